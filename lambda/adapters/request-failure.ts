import { RequestFailedError } from "../errors";

interface ServiceErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly $fault?: "client" | "server";
  readonly $metadata?: { readonly httpStatusCode?: number };
}

// Errors that no retry of this invocation can fix: credentials, permissions, a missing bus or queue.
const SYSTEMIC = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "ExpiredTokenException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "ResourceNotFoundException",
  "QueueDoesNotExist",
  "AWS.SimpleQueueService.NonExistentQueue",
  "KMS.AccessDeniedException",
  "KMS.DisabledException",
  "CredentialsProviderError",
]);

/**
 * How EventBridge words a request over its size limit ("Total size of the entries in the request is
 * over the limit."); any other ValidationException is about what the request says, not its size.
 */
const SIZE_MESSAGE = /\bsize\b|too large/i;

/**
 * Turns an error thrown by an SDK `send` (after the SDK's own retries) into a {@link RequestFailedError}:
 * - `tooLarge`: HTTP 413, or a ValidationException about size: split the request;
 * - `invalid`: any other ValidationException (an invalid resource ARN, a value out of range): isolate
 *   the entry by splitting; one that passed the local checks and still fails alone is a setup problem;
 * - `systemic`: credential, permission and missing-resource errors: stop sending;
 * - `retryable`: everything else (throttling, 5xx, network, timeouts).
 */
export function requestFailure(error: unknown): RequestFailedError {
  if (error instanceof RequestFailedError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as ServiceErrorShape;
  const code = shape.name ?? "UnknownError";
  const message = shape.message ?? String(error);
  const status = shape.$metadata?.httpStatusCode;
  if (
    status === 413 ||
    code === "RequestEntityTooLarge" ||
    (code === "ValidationException" && SIZE_MESSAGE.test(message))
  ) {
    return new RequestFailedError("tooLarge", code, message, { cause: error });
  }
  if (code === "ValidationException")
    return new RequestFailedError("invalid", code, message, { cause: error });
  if (SYSTEMIC.has(code) || status === 403)
    return new RequestFailedError("systemic", code, message, { cause: error });
  return new RequestFailedError("retryable", code, message, { cause: error });
}
