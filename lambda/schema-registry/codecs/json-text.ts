import { isUtf8 } from "node:buffer";
import { SchemaMismatchError } from "../codec-error";

/** Up to this length a byte scan beats the native UTF-8 check, decode and JSON.stringify. */
const SCAN_MAX = 64;

/**
 * The JSON string literal of UTF-8 bytes; throws `SchemaMismatchError` naming `at` when they are
 * not UTF-8. Short printable ASCII without quotes or backslashes (ids, codes, enum-like text) needs
 * no escaping and skips the UTF-8 decoder.
 */
export function jsonStringOfUtf8(bytes: Buffer, at: string): string {
  if (bytes.length <= SCAN_MAX) {
    let plain = true;
    for (let i = 0; i < bytes.length; i += 1) {
      const b = bytes[i] as number;
      if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c) {
        plain = false;
        break;
      }
    }
    if (plain) return `"${bytes.toString("latin1")}"`;
  }
  if (!isUtf8(bytes)) throw new SchemaMismatchError(`UTF-8 text at ${at}`);
  return JSON.stringify(bytes.toString("utf8"));
}
