import { hash } from "node:crypto";
import type {
  Agent as HttpAgent,
  request as httpRequest,
  IncomingHttpHeaders,
  RequestOptions,
} from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import { getEndpointFromInstructions } from "@smithy/core/endpoints";
import { escapeUri } from "@smithy/core/protocols";
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import { type SigV4Request, SigV4Signer } from "./sigv4";

// One PutEvents request over a keep-alive socket pool, without the SDK's per-request middleware stack
// and schema serde (with them the bench batch used 1.9× the CPU, docs/performance.md). Everything that is not
// per request comes from the SDK client's resolved configuration, so it behaves as the SDK does: the
// endpoint (EVENTBRIDGE_ENDPOINT_URL, AWS_ENDPOINT_URL_EVENTBRIDGE, FIPS/dual-stack, global endpoints),
// the credentials (provider chain or assumed role, memoized and refreshed before they expire), the SigV4a
// signer for global endpoints, and the retry strategy (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE). SigV4 itself is
// signed by ./sigv4 (cheaper than the SDK's generic signer, and checked against it in the tests).

/** The answer of one PutEvents call (awsJson1_1 wire shape). */
export interface PutEventsAnswer {
  readonly FailedEntryCount?: number;
  readonly Entries?: readonly { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
}

/**
 * A whole PutEvents request that failed, shaped like the SDK's service exceptions (`name`, `$fault`,
 * `$metadata.httpStatusCode`), so that `requestFailure` and the SDK's retry predicates classify it as
 * they classify the SDK's own.
 */
export class PutEventsHttpError extends Error {
  readonly $fault: "client" | "server";
  readonly $metadata: { httpStatusCode: number; requestId?: string; clockSkewCorrected?: boolean };
  /** The `Retry-After` header, when the service sent one. */
  readonly retryAfter: string | undefined;

  constructor(name: string, message: string, status: number, headers: IncomingHttpHeaders) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? "server" : "client";
    const requestId = headers["x-amzn-requestid"];
    this.$metadata = { httpStatusCode: status, ...(typeof requestId === "string" ? { requestId } : {}) };
    this.retryAfter = typeof headers["retry-after"] === "string" ? headers["retry-after"] : undefined;
  }
}

/**
 * A socket that sends nothing for this long fails the attempt (retried like a reset): EventBridge
 * answers in tens of milliseconds, and the invocation's deadline still bounds the whole request.
 */
export const IDLE_TIMEOUT_MS = 10_000;

/**
 * The SDK's threshold for retrying after a clock correction (AWS refuses a signature more than 5 minutes
 * off: https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html).
 */
const CLOCK_SKEW_MS = 240_000;

/** Signs one attempt: the headers to send, for the body whose SHA-256 is `payloadHash`, at `date`. */
type Sign = (
  headers: Record<string, string>,
  body: Buffer,
  payloadHash: string,
  date: Date,
) => Promise<Record<string, string>>;
type RetryStrategy = Awaited<ReturnType<EventBridgeClient["config"]["retryStrategy"]>>;
type RetryStrategyV2 = Extract<RetryStrategy, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2["acquireInitialRetryToken"]>>;

interface Route {
  readonly url: URL;
  readonly send: typeof httpRequest;
  /** What every request shares: the endpoint, the socket pool, the idle timeout. */
  readonly requestOptions: RequestOptions;
  readonly sign: Sign;
  readonly retries: RetryStrategyV2;
  readonly skewCorrection: boolean;
}

export interface PutEventsHttpOptions {
  /** `GLOBAL_ENDPOINT_ID`: requests carry it as `EndpointId` and are signed with SigV4a. */
  readonly globalEndpointId: string | undefined;
  /** Connections kept open: one per request in flight (`MAX_CONCURRENCY`). */
  readonly maxSockets: number;
  /** {@link IDLE_TIMEOUT_MS} unless told otherwise. */
  readonly idleTimeoutMs?: number;
}

async function resolveRoute(client: EventBridgeClient, options: PutEventsHttpOptions): Promise<Route> {
  const { globalEndpointId, maxSockets } = options;
  const { config } = client;
  // The endpoint rules of PutEvents, as the SDK's endpoint middleware applies them for this input.
  const endpoint = await getEndpointFromInstructions(
    globalEndpointId === undefined ? {} : { EndpointId: globalEndpointId },
    PutEventsCommand,
    config,
  );
  const [scheme] = (endpoint.properties?.authSchemes ?? []) as {
    name: string;
    signingName?: string;
    signingRegionSet?: string[];
  }[];
  const region = await config.region();
  const signingRegion =
    scheme?.name === "sigv4a"
      ? ((await config.sigv4aSigningRegionSet?.()) ?? scheme.signingRegionSet ?? [region]).join(",")
      : region;
  const signingName = scheme?.signingName ?? "events";
  const url = new URL(endpoint.url.href);
  let sign: Sign;
  if (scheme?.name === "sigv4a") {
    // The SDK's SigV4a signer (@aws-sdk/signature-v4a, registered by enableSigV4a).
    const signer = await config.signer({ ...scheme, signingName, signingRegion: region, properties: {} });
    sign = async (headers, body, _payloadHash, signingDate) =>
      (
        await signer.sign(
          {
            method: "POST",
            protocol: url.protocol,
            hostname: url.hostname,
            port: url.port === "" ? undefined : Number(url.port),
            path: url.pathname,
            query: {},
            headers,
            body,
          },
          { signingDate, signingRegion, signingService: signingName },
        )
      ).headers;
  } else {
    const signer = new SigV4Signer(region, signingName);
    const canonicalPath = canonicalPathOf(url.pathname);
    sign = async (headers, _body, payloadHash, date) => {
      // The SDK's memoized provider: resolved once, refreshed before the credentials expire.
      const credentials = await config.credentials();
      if (typeof credentials?.accessKeyId !== "string" || typeof credentials.secretAccessKey !== "string")
        throw new Error("Resolved credential object is not valid");
      const request: SigV4Request = { method: "POST", canonicalPath, headers, payloadHash };
      return signer.sign(request, credentials, date);
    };
  }
  const retries = await config.retryStrategy();
  if (!("acquireInitialRetryToken" in retries)) throw new Error("expected the SDK's v2 retry strategy");
  // Loaded here, on the first request, not at import: importing node:http at cold start costs memory
  // the function does not need before it sends (lambda/node-http.cjs).
  const { Agent, request } =
    url.protocol === "https:"
      ? process.getBuiltinModule("node:https")
      : process.getBuiltinModule("node:http");
  return {
    url,
    send: request,
    requestOptions: {
      method: "POST",
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      agent: new Agent({ keepAlive: true, maxSockets }) as HttpAgent,
      // The signed headers carry the host.
      setHost: false,
      timeout: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    },
    sign,
    retries,
    skewCorrection: (await config.disableClockSkewCorrection?.()) !== true,
  };
}

/**
 * The canonical URI of SigV4 as the SDK's signer builds it for every service but S3: empty and dot
 * segments dropped, the (already encoded) path encoded once more, slashes kept.
 */
export function canonicalPathOf(path: string): string {
  const segments = path.split("/").filter((segment) => segment !== "" && segment !== ".");
  const trailing = segments.length > 0 && path.endsWith("/") ? "/" : "";
  return escapeUri(`/${segments.join("/")}${trailing}`).replace(/%2F/g, "/");
}

/**
 * The request body's bytes: entries serialized once each, timestamps as epoch seconds (awsJson1_1).
 * Each part is written into one buffer of the exact size: encoding a string concatenated from them
 * would first copy it flat (6 KB per request of the bench batch, bench/profile-batch.ts --allocations).
 */
export function putEventsBody(
  entries: readonly PutEventsRequestEntry[],
  endpointId: string | undefined,
): Buffer {
  const parts: string[] = ['{"Entries":['];
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index] as PutEventsRequestEntry;
    if (index > 0) parts.push(",");
    parts.push(
      JSON.stringify(entry.Time === undefined ? entry : { ...entry, Time: entry.Time.getTime() / 1000 }),
    );
  }
  parts.push(endpointId === undefined ? "]}" : `],"EndpointId":${JSON.stringify(endpointId)}}`);
  // Indexed loops: for-of's iterators were another 2 KB per request.
  let size = 0;
  for (let index = 0; index < parts.length; index += 1) size += Buffer.byteLength(parts[index] as string);
  const body = Buffer.allocUnsafe(size);
  let offset = 0;
  for (let index = 0; index < parts.length; index += 1) offset += body.write(parts[index] as string, offset);
  return body;
}

interface Exchange {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

function exchange(route: Route, headers: Record<string, string>, body: Buffer, signal: AbortSignal) {
  // Headers as a flat list: Node writes them as given, without its per-header bookkeeping.
  const headerList: string[] = [];
  for (const name in headers) headerList.push(name, headers[name] as string);
  return new Promise<Exchange>((resolve, settleWith) => {
    if (signal.aborted) return settleWith(abortError(signal));
    const reject = (error: Error) => {
      signal.removeEventListener("abort", onAbort);
      settleWith(error);
    };
    const request = route.send({ ...route.requestOptions, headers: headerList }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        signal.removeEventListener("abort", onAbort);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    // The deadline's signal is listened to here, as the SDK's HTTP handler does, rather than passed to
    // node:http as `signal`, which watches the request with a stream-completion helper bound to its
    // async context: about 90 µs of CPU per request in the bench's profile.
    const onAbort = () => request.destroy(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    request.on("timeout", () => {
      // The SDK's retry predicates take a `TimeoutError` as transient, like a reset.
      const error = new Error(`no data on the socket for ${route.requestOptions.timeout} ms`);
      error.name = "TimeoutError";
      request.destroy(error);
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** What node:http rejects with when its `signal` aborts: an `AbortError` caused by the signal's reason. */
function abortError(signal: AbortSignal): Error {
  const error = new Error("The operation was aborted", { cause: signal.reason });
  error.name = "AbortError";
  return error;
}

/** The error code of an awsJson error answer, as the SDK reads it (header first, then the body). */
function errorOf(answer: Exchange): PutEventsHttpError {
  let parsed: { __type?: unknown; code?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    parsed = JSON.parse(answer.text) as typeof parsed;
  } catch {
    // Not JSON (a proxy's HTML page, an empty 413): the status code still classifies it.
  }
  const header = answer.headers["x-amzn-errortype"];
  const raw = typeof header === "string" ? header : (parsed.__type ?? parsed.code);
  // "aws.protocoltests#ThrottlingException:http://..." -> "ThrottlingException"
  const name = typeof raw === "string" ? (raw.split(/[,:]/)[0]?.split("#").pop() ?? raw) : "UnknownError";
  const message = parsed.message ?? parsed.Message;
  return new PutEventsHttpError(
    name || "UnknownError",
    typeof message === "string" ? message : `HTTP ${answer.status}`,
    answer.status,
    answer.headers,
  );
}

/** The SDK's retry classes (retryMiddleware's `getRetryErrorType`), from its exported predicates. */
function retryErrorType(error: unknown): "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR" {
  const shape = (typeof error === "object" && error !== null ? error : {}) as Parameters<
    typeof isThrottlingError
  >[0];
  if (isThrottlingError(shape)) return "THROTTLING";
  if (isTransientError(shape)) return "TRANSIENT";
  if (isServerError(shape)) return "SERVER_ERROR";
  return "CLIENT_ERROR";
}

/**
 * Sends PutEvents requests over a keep-alive pool of `maxSockets` connections, signed with the SDK's own
 * signer and retried by the SDK's own retry strategy, from `client`'s resolved configuration.
 */
export class PutEventsHttp {
  #route: Promise<Route> | undefined;
  /** The service's clock minus ours, learnt from the `Date` of each answer (as the SDK's signer does). */
  #clockOffset = 0;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly options: PutEventsHttpOptions,
  ) {}

  /**
   * Sends one request; resolves with the service's answer, rejects with the last error once the retry
   * strategy gives up or `signal` aborts (the error is then an `AbortError`, not retried).
   */
  async send(entries: readonly PutEventsRequestEntry[], signal: AbortSignal): Promise<PutEventsAnswer> {
    // Resolved once; a failure (no region, say) is not kept, so the next request tries again.
    this.#route ??= resolveRoute(this.client, this.options).catch((error: unknown) => {
      this.#route = undefined;
      throw error;
    });
    const route = await this.#route;
    // Encoded once: the signer hashes these bytes and the socket writes them.
    const body = putEventsBody(entries, this.options.globalEndpointId);
    let token: RetryToken = await route.retries.acquireInitialRetryToken("events");
    for (;;) {
      try {
        const answer = await this.#attempt(route, body, signal);
        route.retries.recordSuccess(token);
        return answer;
      } catch (error) {
        if (signal.aborted) throw error;
        try {
          const retryAfter = error instanceof PutEventsHttpError ? error.retryAfter : undefined;
          const hint = retryAfter === undefined ? undefined : retryAfterDate(retryAfter);
          token = await route.retries.refreshRetryTokenForRetry(token, {
            errorType: retryErrorType(error),
            ...(hint === undefined ? {} : { retryAfterHint: hint }),
          });
        } catch {
          throw error;
        }
        await sleep(token.getRetryDelay(), undefined, { signal });
      }
    }
  }

  async #attempt(route: Route, body: Buffer, signal: AbortSignal): Promise<PutEventsAnswer> {
    const offsetBefore = this.#clockOffset;
    // Hashed here in one call, sent as x-amz-content-sha256 and signed as the payload's hash
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
    const payloadHash = hash("sha256", body, "hex");
    const headers = await route.sign(
      {
        host: route.url.host,
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSEvents.PutEvents",
        "content-length": String(body.length),
        "x-amz-content-sha256": payloadHash,
      },
      body,
      payloadHash,
      new Date(Date.now() + this.#clockOffset),
    );
    const sentAt = Date.now();
    const answer = await exchange(route, headers, body, signal);
    if (route.skewCorrection) this.#sampleClock(answer.headers, sentAt);
    if (answer.status >= 200 && answer.status < 300) return JSON.parse(answer.text) as PutEventsAnswer;
    const error = errorOf(answer);
    // A request refused for a skewed clock is worth one more attempt signed with the corrected time:
    // the SDK marks it so, and its retry predicates take it as transient.
    if (Math.abs(this.#clockOffset) >= CLOCK_SKEW_MS && this.#clockOffset !== offsetBefore) {
      error.$metadata.clockSkewCorrected = true;
    }
    throw error;
  }

  /** The SDK's `getUpdatedSystemClockOffset`: no correction from a cached (`Age`) or very late answer. */
  #sampleClock(headers: IncomingHttpHeaders, sentAt: number): void {
    const serverTime = Date.parse(headers.date ?? "");
    const now = Date.now();
    if (headers.age !== undefined || Number.isNaN(serverTime) || now - sentAt > 900_000) return;
    // HTTP dates have whole seconds: within the threshold, keep the current offset rather than jitter.
    const offset = serverTime - now;
    if (Math.abs(offset - this.#clockOffset) >= 1_000) this.#clockOffset = offset;
  }
}

/** `Retry-After` as seconds or an HTTP date. */
function retryAfterDate(value: string): Date | undefined {
  const seconds = Number(value);
  const at = Number.isFinite(seconds) ? Date.now() + seconds * 1000 : Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}
