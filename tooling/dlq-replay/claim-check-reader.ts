import { GetObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { s3ObjectOfArn } from "../../lambda/offload/restore-event";
import { s3EndpointOverridden } from "../../lambda/offload/s3-claim-check-store";

/** Reads the object a claim-checked dead letter's `dataref` names, as text. */
export interface ClaimCheckReader {
  read(dataref: string): Promise<string>;
  close(): void;
}

/**
 * Reads the full bodies of dead letters kept in the claim-check bucket, with `s3:GetObject` on them.
 * S3's endpoint comes from the environment as for the function's own store: an `AWS_ENDPOINT_URL_S3`
 * (or `AWS_ENDPOINT_URL`) override also switches to path-style URLs, which emulators such as moto need.
 * It follows S3's region redirect, so a bucket in another region works.
 */
export function s3ClaimCheckReader(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClaimCheckReader {
  const config: S3ClientConfig = { followRegionRedirects: true };
  if (s3EndpointOverridden(env)) config.forcePathStyle = true;
  let s3: S3Client | undefined;
  return {
    async read(dataref) {
      const object = s3ObjectOfArn(dataref);
      if (object === undefined) throw new Error(`not an S3 object ARN (arn:aws:s3:::<bucket>/<key>)`);
      s3 ??= new S3Client(config);
      const answer = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
      return (await answer.Body?.transformToString("utf8")) ?? "";
    },
    close() {
      s3?.destroy();
    },
  };
}
