/**
 * What to do with an entry PutEvents did not accept, by its `ErrorCode`:
 * - retry: transient (throttling, internal failure);
 * - poison: this entry can never be accepted as it is, so it goes to the dead-letter queue;
 * - fail: a problem of the setup, not of the record (permissions, account): reported failed so the
 *   ESM retries it once the setup is fixed. Unknown codes are treated the same way: never dropped.
 */
export type EntryErrorClass = "retry" | "poison" | "fail";

/**
 * Every entry error code PutEvents documents, and its class.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html
 */
export const ENTRY_ERROR_CODES = {
  InternalFailure: "retry",
  ThrottlingException: "retry",
  InvalidArgument: "poison",
  MalformedDetail: "poison",
  RedactionFailure: "poison",
  // The bus's policy refuses this record's source or detail-type: the record (a JSONPath-picked
  // detail-type, say) is what cannot be accepted, so it is dead-lettered rather than stalling its partition.
  NotAuthorizedForSourceException: "poison",
  NotAuthorizedForDetailTypeException: "poison",
  AccessDeniedException: "fail",
  InvalidAccountIdException: "fail",
} as const satisfies Record<string, EntryErrorClass>;
export type EntryErrorCode = keyof typeof ENTRY_ERROR_CODES;

export const THROTTLING_ERROR_CODE = "ThrottlingException" satisfies EntryErrorCode;

function isKnownCode(code: string): code is EntryErrorCode {
  return Object.hasOwn(ENTRY_ERROR_CODES, code);
}

/** The class of an entry error code; an unknown code is `fail` (reported failed, never dropped). */
export function classifyEntryError(code: string): EntryErrorClass {
  return isKnownCode(code) ? ENTRY_ERROR_CODES[code] : "fail";
}
