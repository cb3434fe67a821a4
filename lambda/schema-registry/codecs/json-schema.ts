import { isUtf8 } from "node:buffer";
import { InvalidSchemaError, SchemaMismatchError } from "../codec-error";
import type { Codec, CodecOptions, CodecSchema } from "./codec";

/**
 * JSON Schema payloads: after the wire header the bytes are the producer's JSON text, which is
 * embedded as written (key order, number spelling and integers beyond 2^53 kept), like the `json`
 * format, with the whitespace outside strings dropped.
 *
 * The payload is not validated against the schema. Confluent's JSON Schema deserializer validates only
 * when `json.fail.invalid.schema=true` (default false), and Connect's JsonSchemaConverter leaves it so:
 * https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/serdes-json.html
 * A producer that used the registry serializer validated it on the way in already.
 */

/** EventBridge accepts integers within the signed 64-bit range (SPEC §3). */
const MAX_INT64 = 9_223_372_036_854_775_807n;
const MIN_INT64 = -9_223_372_036_854_775_808n;
/** Integers of up to 18 digits are always in range; only longer ones need the exact check. */
const SAFE_INTEGER_DIGITS = 18;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * `text` without whitespace outside strings; `text` must be valid JSON. Throws when an integer
 * is outside the signed 64-bit range.
 */
function compact(text: string): string {
  let out = "";
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i += 1;
      for (;;) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i += 2;
        else {
          i += 1;
          if (s === 0x22) break;
        }
      }
    } else if (isWhitespace(c)) {
      out += text.slice(copiedUpTo, i);
      while (i < text.length && isWhitespace(text.charCodeAt(i))) i += 1;
      copiedUpTo = i;
    } else if (c === 0x2d || isDigit(c)) {
      const start = i;
      i += 1;
      let integer = true;
      while (i < text.length) {
        const n = text.charCodeAt(i);
        if (isDigit(n)) i += 1;
        else if (n === 0x2e || n === 0x65 || n === 0x45 || n === 0x2b || n === 0x2d) {
          integer = false;
          i += 1;
        } else break;
      }
      const digits = i - start - (c === 0x2d ? 1 : 0);
      if (integer && digits > SAFE_INTEGER_DIGITS) {
        const value = BigInt(text.slice(start, i));
        if (value > MAX_INT64 || value < MIN_INT64) {
          throw new SchemaMismatchError(
            `integers within the signed 64-bit range EventBridge accepts, not ${text.slice(start, i)}`,
          );
        }
      }
    } else i += 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/**
 * Compiles a JSON Schema (the schema must be JSON; references are not needed, as nothing is
 * validated) into a renderer that embeds the payload's JSON text compactly. `render` throws
 * `SchemaMismatchError` for a payload that is not UTF-8 JSON.
 */
export function compile(schema: CodecSchema, _options: CodecOptions): Codec {
  try {
    JSON.parse(schema.text);
  } catch (cause) {
    throw new InvalidSchemaError(`a JSON Schema must be JSON (${(cause as Error).message})`, { cause });
  }
  return {
    render(payload: Buffer): string {
      if (!isUtf8(payload)) throw new SchemaMismatchError("a UTF-8 JSON document");
      const text = payload.toString("utf8");
      try {
        JSON.parse(text);
      } catch (cause) {
        throw new SchemaMismatchError(`a JSON document (${(cause as Error).message})`, { cause });
      }
      return compact(text);
    },
  };
}
