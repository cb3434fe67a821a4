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

function skipWhitespace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i += 1;
    else return i;
  }
}

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

/** Index after an object member's `"name":` and the whitespace that follows, or -1. */
function scanMemberName(text: string, from: number): number {
  if (text.charCodeAt(from) !== 0x22) return -1;
  let i = scanString(text, from);
  if (i < 0) return -1;
  i = skipWhitespace(text, i);
  if (text.charCodeAt(i) !== 0x3a) return -1;
  return skipWhitespace(text, i + 1);
}

/**
 * Whether `text` is one JSON value (RFC 8259) with optional whitespace around it: exactly what
 * `JSON.parse` accepts. A scan without allocation, about 1.5–2× faster than `JSON.parse`, which builds
 * the whole document only for it to be dropped: the payload is embedded as produced, never re-serialized.
 * Nesting depth is bounded by memory only (an explicit stack, no recursion).
 * https://www.rfc-editor.org/rfc/rfc8259
 */
function isJson(text: string): boolean {
  const stack: number[] = [];
  let i = skipWhitespace(text, 0);
  value: for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) {
      i = skipWhitespace(text, i + 1);
      if (text.charCodeAt(i) === 0x7d) i += 1;
      else {
        i = scanMemberName(text, i);
        if (i < 0) return false;
        stack.push(OBJECT);
        continue;
      }
    } else if (c === 0x5b) {
      i = skipWhitespace(text, i + 1);
      if (text.charCodeAt(i) === 0x5d) i += 1;
      else {
        stack.push(ARRAY);
        continue;
      }
    } else if (c === 0x22) i = scanString(text, i);
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) i = scanNumber(text, i);
    else if (c === 0x74) i = text.startsWith("true", i) ? i + 4 : -1;
    else if (c === 0x66) i = text.startsWith("false", i) ? i + 5 : -1;
    else if (c === 0x6e) i = text.startsWith("null", i) ? i + 4 : -1;
    else return false;
    if (i < 0) return false;
    for (;;) {
      i = skipWhitespace(text, i);
      const depth = stack.length;
      if (depth === 0) return i === text.length;
      const container = stack[depth - 1];
      const next = text.charCodeAt(i);
      if (next === 0x2c) {
        i = skipWhitespace(text, i + 1);
        if (container === OBJECT) {
          i = scanMemberName(text, i);
          if (i < 0) return false;
        }
        continue value;
      }
      if (next === (container === OBJECT ? 0x7d : 0x5d)) {
        stack.pop();
        i += 1;
      } else return false;
    }
  }
}

/**
 * Renders a base64 key or value as JSON for `detail`, per SPEC §3. A JSON payload is validated but
 * embedded as produced, so key order, `1.10` and integers beyond 2^53 survive exactly.
 * `text` is the UTF-8 JSON text when the payload is JSON, for JSONPath lookups.
 */
export function renderPayload(base64: string | null | undefined, format: RecordFormat): Rendered {
  if (base64 === undefined || base64 === null) return NULL;
  if (format === "base64") return asString(base64);
  const bytes = Buffer.from(base64, "base64");
  const utf8 = isUtf8(bytes);
  if (format === "string") {
    return utf8
      ? asString(bytes.toString("utf8"))
      : { ok: false, code: "InvalidUtf8", expected: "UTF-8 text" };
  }
  if (format === "json") {
    if (!utf8) return { ok: false, code: "InvalidUtf8", expected: "a UTF-8 JSON document" };
    const text = bytes.toString("utf8");
    return isJson(text)
      ? { ok: true, json: text, text }
      : { ok: false, code: "InvalidJson", expected: "a JSON document" };
  }
  // auto: JSON if it parses, else a string if it is UTF-8, else the base64 text.
  if (!utf8) return asString(base64);
  const text = bytes.toString("utf8");
  return isJson(text) ? { ok: true, json: text, text } : asString(text);
}

/** Header values are mostly short ASCII (ids, content types): those skip the Buffer round trip. */
const ASCII_FAST_PATH_MAX = 1024;

/** A header value's octets from the ESM's Java signed bytes (Buffer.from keeps the low 8 bits of each). */
export function headerBytes(signedBytes: readonly number[]): Buffer {
  return Buffer.from(signedBytes as number[]);
}

/** The UTF-8 text of a header value, or its base64 when the bytes are not UTF-8. */
function headerText(signedBytes: readonly number[]): string {
  if (signedBytes.length <= ASCII_FAST_PATH_MAX) {
    let ascii = true;
    for (const b of signedBytes) {
      if (b < 0 || b > 127) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode(...signedBytes);
  }
  const bytes = headerBytes(signedBytes);
  return isUtf8(bytes) ? bytes.toString("utf8") : bytes.toString("base64");
}

/**
 * Renders headers as the connector does: `[{"<name>": "<UTF-8 value>"}]` in record order with
 * duplicates kept; bytes that are not UTF-8 become base64, a null header `null`.
 * The ESM sends header bytes as Java signed bytes (-128..127).
 */
export function renderHeaders(
  headers: readonly Readonly<Record<string, readonly number[] | null>>[] | undefined,
): string {
  if (headers === undefined || headers.length === 0) return "[]";
  let json = "";
  for (const header of headers) {
    for (const name of Object.keys(header)) {
      const signedBytes = header[name];
      const value =
        signedBytes === null || signedBytes === undefined ? "null" : JSON.stringify(headerText(signedBytes));
      json += `${json === "" ? "[" : ","}{${JSON.stringify(name)}:${value}}`;
    }
  }
  return json === "" ? "[]" : `${json}]`;
}
