import { isUtf8 } from "node:buffer";
import type { RecordFormat } from "../env-names";

/** A payload rendered as a JSON text ready to embed in `detail`, or the reason it cannot be. */
export type Rendered =
  | { readonly ok: true; readonly json: string; readonly text: string | undefined }
  | { readonly ok: false; readonly code: string; readonly expected: string };

const NULL: Rendered = { ok: true, json: "null", text: undefined };

function asString(text: string): Rendered {
  return { ok: true, json: JSON.stringify(text), text: undefined };
}

const OBJECT = 1;
const ARRAY = 2;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Index after the string starting at `from` (a quote), or -1. */
function scanString(text: string, from: number): number {
  let i = from + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      const e = text.charCodeAt(i + 1);
      if (e === 0x75) {
        if (
          !(
            isHex(text.charCodeAt(i + 2)) &&
            isHex(text.charCodeAt(i + 3)) &&
            isHex(text.charCodeAt(i + 4)) &&
            isHex(text.charCodeAt(i + 5))
          )
        )
          return -1;
        i += 6;
      } else if (
        e === 0x22 ||
        e === 0x5c ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      )
        i += 2;
      else return -1;
    } else if (c < 0x20 || Number.isNaN(c)) return -1;
    else i += 1;
  }
}

function scanDigits(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) i += 1;
    else return i;
  }
}

function scanNumber(text: string, from: number): number {
  let i = from;
  if (text.charCodeAt(i) === 0x2d) i += 1;
  const first = text.charCodeAt(i);
  if (first === 0x30) i += 1;
  else if (first >= 0x31 && first <= 0x39) i = scanDigits(text, i + 1);
  else return -1;
  if (text.charCodeAt(i) === 0x2e) {
    const end = scanDigits(text, i + 1);
    if (end === i + 1) return -1;
    i = end;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i += 1;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i += 1;
    const end = scanDigits(text, i);
    if (end === i) return -1;
    i = end;
  }
  return i;
}

/**
 * PutEvents "will only process nested JSON up to 1000 levels deep"; the value sits inside `detail`,
 * which EventBridge nests inside the event it builds, so a value may use 998 of those levels.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
export const PUT_EVENTS_MAX_DEPTH = 1000;
export const MAX_VALUE_DEPTH = PUT_EVENTS_MAX_DEPTH - 2;

/**
 * PutEvents accepts JSON integers from -9,223,372,036,854,775,808 to 9,223,372,036,854,775,807
 * (signed 64-bit). https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
const INT64_MAX_DIGITS = "9223372036854775807";
const INT64_MIN_DIGITS = "9223372036854775808";

/** Why {@link scanJson} refused a text: not JSON, or JSON that PutEvents does not accept. */
export type JsonProblem = "InvalidJson" | "IntegerOutOfRange" | "NestingTooDeep";

/** Whether the integer whose digits are `text[from, to)` (no sign, no leading zero) fits signed 64 bits. */
function fitsInt64(text: string, from: number, to: number, negative: boolean): boolean {
  const digits = to - from;
  if (digits < 19) return true;
  if (digits > 19) return false;
  const limit = negative ? INT64_MIN_DIGITS : INT64_MAX_DIGITS;
  for (let k = 0; k < 19; k += 1) {
    const d = text.charCodeAt(from + k);
    const l = limit.charCodeAt(k);
    if (d !== l) return d < l;
  }
  return true;
}

/**
 * One pass over `text` (RFC 8259) that checks it is exactly one JSON value, as `JSON.parse` would,
 * and returns it compact: whitespace outside strings dropped, every other character kept (key order,
 * number spelling, escapes), so the event matches the connector's compact `detail` and is not billed
 * for indentation. When there is no such whitespace the text itself is returned, without a copy.
 * In the same pass it enforces PutEvents' documented limits: an integer (a number with neither
 * fraction nor exponent: `1.0` and `1E+2` are not integers) outside signed 64 bits, or nesting deeper
 * than `maxDepth`, is refused. Duplicate object names are kept as produced.
 * https://www.rfc-editor.org/rfc/rfc8259
 */
export function scanJson(
  text: string,
  maxDepth: number = MAX_VALUE_DEPTH,
): { readonly ok: true; readonly json: string } | { readonly ok: false; readonly problem: JsonProblem } {
  // The open containers, innermost last, in one buffer shared by every call (the scan never yields):
  // an array per call was 2 MB of the bench batch's allocations.
  const stack = OPEN_CONTAINERS;
  let depth = 0;
  if (maxDepth > stack.length) throw new RangeError(`maxDepth above ${stack.length}`);
  const length = text.length;
  // Compact output built lazily: `out` is text[0, copied) without the whitespace seen so far. Each
  // whitespace skip is written out inline (no closure): this loop is the function's hot path.
  let out = "";
  let copied = 0;
  let i = 0;
  let j = skipWhitespace(text, 0);
  if (j !== 0) copied = i = j;
  value: for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (depth >= maxDepth) return TOO_DEEP;
      i += 1;
      j = skipWhitespace(text, i);
      if (j !== i) {
        out += text.slice(copied, i);
        copied = i = j;
      }
      if (text.charCodeAt(i) === c + 2) i += 1;
      else {
        if (c === 0x7b) {
          if (text.charCodeAt(i) !== 0x22) return NOT_JSON;
          i = scanString(text, i);
          if (i < 0) return NOT_JSON;
          j = skipWhitespace(text, i);
          if (j !== i) {
            out += text.slice(copied, i);
            copied = i = j;
          }
          if (text.charCodeAt(i) !== 0x3a) return NOT_JSON;
          i += 1;
          j = skipWhitespace(text, i);
          if (j !== i) {
            out += text.slice(copied, i);
            copied = i = j;
          }
        }
        stack[depth] = c === 0x7b ? OBJECT : ARRAY;
        depth += 1;
        continue;
      }
    } else if (c === 0x22) i = scanString(text, i);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = c === 0x2d ? i + 1 : i;
      i = scanNumber(text, i);
      // Only an integer of 19 digits or more can leave the signed 64-bit range.
      if (i - start >= 19 && isIntegerOutOfRange(text, start, i, c === 0x2d)) return OUT_OF_RANGE;
    } else if (c === 0x74) i = text.startsWith("true", i) ? i + 4 : -1;
    else if (c === 0x66) i = text.startsWith("false", i) ? i + 5 : -1;
    else if (c === 0x6e) i = text.startsWith("null", i) ? i + 4 : -1;
    else return NOT_JSON;
    if (i < 0) return NOT_JSON;
    for (;;) {
      j = skipWhitespace(text, i);
      if (j !== i) {
        out += text.slice(copied, i);
        copied = i = j;
      }
      if (depth === 0) {
        if (i !== length) return NOT_JSON;
        return { ok: true, json: copied === 0 ? text : out + text.slice(copied, length) };
      }
      const container = stack[depth - 1];
      const next = text.charCodeAt(i);
      if (next === 0x2c) {
        i += 1;
        j = skipWhitespace(text, i);
        if (j !== i) {
          out += text.slice(copied, i);
          copied = i = j;
        }
        if (container === OBJECT) {
          if (text.charCodeAt(i) !== 0x22) return NOT_JSON;
          i = scanString(text, i);
          if (i < 0) return NOT_JSON;
          j = skipWhitespace(text, i);
          if (j !== i) {
            out += text.slice(copied, i);
            copied = i = j;
          }
          if (text.charCodeAt(i) !== 0x3a) return NOT_JSON;
          i += 1;
          j = skipWhitespace(text, i);
          if (j !== i) {
            out += text.slice(copied, i);
            copied = i = j;
          }
        }
        continue value;
      }
      if (next === (container === OBJECT ? 0x7d : 0x5d)) {
        depth -= 1;
        i += 1;
      } else return NOT_JSON;
    }
  }
}

const OPEN_CONTAINERS = new Uint8Array(PUT_EVENTS_MAX_DEPTH);
const NOT_JSON = { ok: false, problem: "InvalidJson" } as const;
const OUT_OF_RANGE = { ok: false, problem: "IntegerOutOfRange" } as const;
const TOO_DEEP = { ok: false, problem: "NestingTooDeep" } as const;

/** Index of the first character at or after `from` that is not JSON whitespace (RFC 8259 `ws`). */
export function skipWhitespace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i += 1;
    else return i;
  }
}

/** Whether the number `text[from, to)` (sign excluded) is an integer outside signed 64 bits. */
function isIntegerOutOfRange(text: string, from: number, to: number, negative: boolean): boolean {
  for (let k = from; k < to; k += 1) {
    const d = text.charCodeAt(k);
    if (d < 0x30 || d > 0x39) return false;
  }
  return !fitsInt64(text, from, to, negative);
}

const BASE64_INDEX = (() => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const index = new Int8Array(128).fill(-1);
  for (let k = 0; k < alphabet.length; k += 1) index[alphabet.charCodeAt(k)] = k;
  return index;
})();

/**
 * The bytes of `text` when it is canonical base64 (RFC 4648 §4: standard alphabet, padded, zero pad
 * bits), as the ESM sends keys and values; otherwise undefined. `Buffer.from` skips characters outside
 * the alphabet and stops at padding, so `e30*` would decode as `{}`: instead of a second decoding pass,
 * the decoded length is compared with the length the text implies (a skipped or early-stopped
 * character always makes it shorter), and the two URL-safe characters Node also accepts are looked for.
 * https://www.rfc-editor.org/rfc/rfc4648#section-3.5
 */
export function decodeBase64(text: string): Buffer | undefined {
  const length = text.length;
  if ((length & 3) !== 0) return undefined;
  if (length === 0) return Buffer.alloc(0);
  let padding = 0;
  if (text.charCodeAt(length - 1) === 0x3d) padding = text.charCodeAt(length - 2) === 0x3d ? 2 : 1;
  // The last data character's unused low bits must be zero: one decoding per byte string.
  if (padding !== 0) {
    const last = BASE64_INDEX[text.charCodeAt(length - padding - 1)] ?? -1;
    if (last < 0 || (last & (padding === 1 ? 0x03 : 0x0f)) !== 0) return undefined;
  }
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== (length / 4) * 3 - padding) return undefined;
  if (text.includes("-") || text.includes("_")) return undefined;
  return bytes;
}

/** What a key or value that is not canonical base64 renders as: poison `InvalidBase64`. */
export const INVALID_BASE64 = {
  ok: false,
  code: "InvalidBase64",
  expected: "canonical base64 (as the event source mapping sends it)",
} as const;

function jsonProblem(problem: JsonProblem): Rendered {
  switch (problem) {
    case "InvalidJson":
      return { ok: false, code: problem, expected: "a JSON document" };
    case "IntegerOutOfRange":
      return {
        ok: false,
        code: problem,
        expected: "JSON whose integers fit in signed 64 bits, as PutEvents requires",
      };
    case "NestingTooDeep":
      return {
        ok: false,
        code: problem,
        expected: `JSON nested at most ${MAX_VALUE_DEPTH} levels, as PutEvents requires`,
      };
  }
}

/**
 * Renders a base64 key or value as JSON for `detail`, per SPEC §3. A JSON payload is embedded compact
 * but otherwise as produced, so key order, `1.10` and integers beyond 2^53 survive exactly; an empty
 * one is `null`, as the connector sends it. `text` is the JSON text when the payload is JSON, for
 * JSONPath lookups. Text that is not canonical base64 is poison whatever the format.
 */
export function renderPayload(base64: string | null | undefined, format: RecordFormat): Rendered {
  if (base64 === undefined || base64 === null) return NULL;
  const bytes = decodeBase64(base64);
  if (bytes === undefined) return INVALID_BASE64;
  if (format === "base64") return asString(base64);
  const utf8 = isUtf8(bytes);
  if (format === "string") {
    return utf8
      ? asString(bytes.toString("utf8"))
      : { ok: false, code: "InvalidUtf8", expected: "UTF-8 text" };
  }
  if (format === "json") {
    // The connector's JsonConverter reads 0 bytes as a null value (not a tombstone, but the same JSON).
    if (bytes.length === 0) return NULL;
    if (!utf8) return { ok: false, code: "InvalidUtf8", expected: "a UTF-8 JSON document" };
    const scanned = scanJson(bytes.toString("utf8"));
    return scanned.ok ? { ok: true, json: scanned.json, text: scanned.json } : jsonProblem(scanned.problem);
  }
  // auto: JSON PutEvents accepts, else a string if it is UTF-8, else the base64 text.
  if (!utf8) return asString(base64);
  const text = bytes.toString("utf8");
  const scanned = scanJson(text);
  return scanned.ok ? { ok: true, json: scanned.json, text: scanned.json } : asString(text);
}

/** A header value's octets from the ESM's Java signed bytes (Buffer.from keeps the low 8 bits of each). */
export function headerBytes(signedBytes: readonly number[]): Buffer {
  return Buffer.from(signedBytes as number[]);
}
