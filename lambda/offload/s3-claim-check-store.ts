import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import type { ClaimCheckStore, PutResult } from "./claim-check-store";

export interface S3StoreSettings {
  readonly bucket: string;
  /** Sockets kept for uploads in flight (the stage runs at most `MAX_CONCURRENCY` at once). */
  readonly maxSockets: number;
  /**
   * An endpoint for S3 alone. When unset the SDK reads `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`) itself;
   * never `EVENTBRIDGE_ENDPOINT_URL`, the connector's bug.
   */
  readonly endpoint?: string;
  /** The client's region; when unset the function's (`AWS_REGION`). */
  readonly region?: string;
  /** Path-style URLs (`<endpoint>/<bucket>/<key>`), which local S3 emulators need. */
  readonly forcePathStyle?: boolean;
}

interface S3ErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * A failed upload: retryable (5xx, `SlowDown`, timeouts, network, throttling) or systemic (any other
 * 4xx: access denied, no such bucket, a bucket in a region the client cannot reach), which the next
 * upload would meet too. Either way the record is reported failed (SPEC §9).
 */
export function s3PutFailure(error: unknown): Extract<PutResult, { ok: false }> {
  const shape = (typeof error === "object" && error !== null ? error : {}) as S3ErrorShape;
  const code = shape.name ?? "UnknownError";
  const message = shape.message ?? String(error);
  const status = shape.$metadata?.httpStatusCode;
  const systemic = status !== undefined && status >= 300 && status < 500 && status !== 408 && status !== 429;
  return { ok: false, code, message, systemic };
}

/**
 * The S3 client for claim checks, built on first use: `@aws-sdk/client-s3` is imported only then, so a
 * function without `OFFLOAD_S3_BUCKET` never loads it. Its endpoint and region are S3's own, and it
 * follows S3's region redirect, so a bucket in another region than the function's works.
 */
async function createS3Client(settings: S3StoreSettings): Promise<{
  readonly s3: S3Client;
  readonly PutObjectCommand: typeof import("@aws-sdk/client-s3").PutObjectCommand;
}> {
  const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const config: S3ClientConfig = {
    followRegionRedirects: true,
    requestHandler: {
      // A connection that does not open, or a socket silent this long, fails the attempt so the SDK
      // retries it; the stage's deadline bounds the whole upload.
      connectionTimeout: 3_000,
      socketTimeout: 10_000,
      httpsAgent: { maxSockets: settings.maxSockets, keepAlive: true },
      httpAgent: { maxSockets: settings.maxSockets, keepAlive: true },
    },
  };
  if (settings.endpoint !== undefined) config.endpoint = settings.endpoint;
  if (settings.region !== undefined) config.region = settings.region;
  if (settings.forcePathStyle) config.forcePathStyle = true;
  return { s3: new S3Client(config), PutObjectCommand };
}

/**
 * The claim-check store over S3 `PutObject`. The SDK's own retries (`AWS_MAX_ATTEMPTS`) run inside
 * `signal`; what still fails comes back as a {@link PutResult}, never as a rejection.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
export function s3ClaimCheckStore(settings: S3StoreSettings): ClaimCheckStore {
  let client: ReturnType<typeof createS3Client> | undefined;
  return {
    bucket: settings.bucket,
    async put(object, signal) {
      try {
        client ??= createS3Client(settings);
        const { s3, PutObjectCommand } = await client;
        await s3.send(
          new PutObjectCommand({
            Bucket: settings.bucket,
            Key: object.key,
            Body: object.body,
            ContentType: object.contentType,
            ContentLength: object.body.length,
          }),
          { abortSignal: signal },
        );
        return { ok: true };
      } catch (error) {
        return s3PutFailure(error);
      }
    },
  };
}

/**
 * Whether S3's endpoint is overridden in `env` as the SDK reads it (`AWS_ENDPOINT_URL_S3` or
 * `AWS_ENDPOINT_URL`): the claim-check clients then use path-style URLs, which emulators such as moto
 * need.
 */
export function s3EndpointOverridden(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim());
}

/**
 * The store for `OFFLOAD_S3_BUCKET`, with S3's endpoint settings taken from the environment as the SDK
 * reads them (path-style URLs when overridden, {@link s3EndpointOverridden}).
 */
export function claimCheckStoreFromEnv(
  bucket: string,
  maxSockets: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClaimCheckStore {
  return s3ClaimCheckStore({ bucket, maxSockets, forcePathStyle: s3EndpointOverridden(env) });
}
