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
 * Turns an error thrown by an SDK `send` (after the SDK's own retries) into a {@link RequestFailedError}:
 * `tooLarge` for HTTP 413 or a validation error (EventBridge answers a too-large request with one;
 * splitting tells the two apart without reading the message), `systemic` for credential, permission and
 * missing-resource errors, and `retryable` for everything else (throttling, 5xx, network, timeouts).
 */
export function requestFailure(error: unknown): RequestFailedError {
  if (error instanceof RequestFailedError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as ServiceErrorShape;
  const code = shape.name ?? "UnknownError";
  const message = shape.message ?? String(error);
  const status = shape.$metadata?.httpStatusCode;
  if (status === 413 || code === "ValidationException" || code === "RequestEntityTooLarge") {
    return new RequestFailedError("tooLarge", code, message, { cause: error });
  }
  if (SYSTEMIC.has(code) || status === 403)
    return new RequestFailedError("systemic", code, message, { cause: error });
  return new RequestFailedError("retryable", code, message, { cause: error });
}
