import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { CLAIM_CHECK_CONTENT_TYPES } from "./content-types";
import { DEFAULT_OFFLOAD_PATH, parseOffloadPath } from "./offload-path";

export interface RestoreOptions {
  /** Reads an `application/json` object; `JSON.parse` by default (a reviver or a big-number parser fits here). */
  readonly parseJson?: (text: string) => unknown;
  readonly abortSignal?: AbortSignal;
}

// S3 object ARNs have no region or account: arn:<partition>:s3:::<bucket>/<key>
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html
const OBJECT_ARN = /^arn:aws[a-z-]*:s3:::([^/]+)\/(.+)$/s;

/** The bucket and key of an S3 object ARN (a claim check's `dataref`); undefined for anything else. */
export function s3ObjectOfArn(arn: string): { readonly bucket: string; readonly key: string } | undefined {
  const [, bucket, key] = OBJECT_ARN.exec(arn) ?? [];
  return bucket === undefined || key === undefined ? undefined : { bucket, key };
}

/** The part an object holds, as it stood in `detail`, read by the object's content type. */
function partOf(
  bytes: Uint8Array,
  contentType: string | undefined,
  parseJson: (text: string) => unknown,
): unknown {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  const text = () => Buffer.from(bytes).toString("utf8");
  if (type === CLAIM_CHECK_CONTENT_TYPES.json) return parseJson(text());
  if (type === CLAIM_CHECK_CONTENT_TYPES.bytes) return Buffer.from(bytes).toString("base64");
  return text();
}

type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container => typeof value === "object" && value !== null;

/**
 * Turns a claim-check event back into the full event, for a consumer behind an EventBridge rule
 * (docs/claim-check.md). When `event.detail` carries `dataref` (`arn:aws:s3:::<bucket>/<key>`), it reads
 * that object with `s3` (which needs `s3:GetObject` on it) and puts the part back at `datarefJsonPath`
 * (`$.detail.value` when absent), inserting it at its index when the path ends in one; `dataref` and
 * `datarefJsonPath` are removed. The part comes back as it stood in `detail`: JSON for
 * `application/json`, the base64 string for `application/octet-stream`, a string otherwise.
 * An event without `dataref` is returned as it is. The given event is not modified.
 * Throws when `dataref` is not an S3 object ARN, the path is not one the function writes, the object
 * cannot be read, or the path's parent is missing from the event.
 */
export async function restoreClaimCheck<E extends { readonly detail?: unknown }>(
  event: E,
  s3: S3Client,
  options: RestoreOptions = {},
): Promise<E> {
  const detail = event.detail;
  if (!isContainer(detail) || Array.isArray(detail) || typeof detail.dataref !== "string") return event;
  const object = s3ObjectOfArn(detail.dataref);
  if (object === undefined) {
    throw new Error(
      `dataref ${JSON.stringify(detail.dataref)} is not an S3 object ARN (arn:aws:s3:::<bucket>/<key>)`,
    );
  }
  const pathText = typeof detail.datarefJsonPath === "string" ? detail.datarefJsonPath : DEFAULT_OFFLOAD_PATH;
  const { segments } = parseOffloadPath(pathText);

  const answer = await s3.send(
    new GetObjectCommand({ Bucket: object.bucket, Key: object.key }),
    options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal },
  );
  const bytes = (await answer.Body?.transformToByteArray()) ?? new Uint8Array();
  const part = partOf(bytes, answer.ContentType, options.parseJson ?? JSON.parse);

  const restored = structuredClone(event) as E & { detail: Record<string, unknown> };
  delete restored.detail.dataref;
  delete restored.detail.datarefJsonPath;
  let parent: unknown = restored;
  for (const segment of segments.slice(0, -1)) {
    parent = isContainer(parent) ? (parent as Record<string, unknown>)[segment] : undefined;
  }
  const last = segments[segments.length - 1] as string | number;
  if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 0, part);
  else if (isContainer(parent) && !Array.isArray(parent) && typeof last === "string") parent[last] = part;
  else throw new Error(`the event has no place for ${pathText}: its parent is missing`);
  return restored;
}
