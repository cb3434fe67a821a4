/**
 * What to do with an entry PutEvents did not accept, by its `ErrorCode`.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
 * - retry: transient (throttling, internal failure);
 * - poison: this entry can never be accepted as it is, so it goes to the dead-letter queue;
 * - fail: a problem of the setup, not of the record (permissions, account): reported failed so the
 *   ESM retries it once the setup is fixed. Unknown codes are treated the same way: never dropped.
 */
export type EntryErrorClass = "retry" | "poison" | "fail";

const RETRYABLE = new Set(["ThrottlingException", "InternalFailure"]);
const POISON = new Set([
  "MalformedDetail",
  "InvalidArgument",
  "RedactionFailure",
  "NotAuthorizedForSourceException",
  "NotAuthorizedForDetailTypeException",
]);

export const THROTTLING_ERROR_CODE = "ThrottlingException";

export function classifyEntryError(code: string): EntryErrorClass {
  if (RETRYABLE.has(code)) return "retry";
  if (POISON.has(code)) return "poison";
  return "fail";
}
