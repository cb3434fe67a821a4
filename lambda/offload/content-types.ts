/**
 * Content types of claim-check objects: the offloaded part's JSON text, a JSON string's characters, or
 * the record's bytes (`VALUE_FORMAT=base64`). The restore helper reads them to put the part back as it was.
 */
export const CLAIM_CHECK_CONTENT_TYPES = {
  json: "application/json",
  text: "text/plain; charset=utf-8",
  bytes: "application/octet-stream",
} as const;
