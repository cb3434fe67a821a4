import { isUtf8 } from "node:buffer";
import type { HeaderFormat } from "../env-names";
import type { PoisonCode } from "../errors";
import { headerBytes, PUT_EVENTS_MAX_DEPTH } from "./decode-payload";
import { ConnectorCannotRender, connectToJson } from "./header-connect-json";
import { HeaderTooDeep, parseHeaderText } from "./header-connect-parser";
import type { KafkaHeader } from "./kafka-event";

/**
 * A header value sits in the event EventBridge builds at event → detail → headers → header object,
 * so it may use the PutEvents nesting limit less those four levels.
 */
export const MAX_HEADER_DEPTH = PUT_EVENTS_MAX_DEPTH - 4;

/** The `detail.headers` JSON, or the reason the record cannot be sent. */
export type RenderedHeaders =
  | { readonly ok: true; readonly json: string }
  | { readonly ok: false; readonly code: PoisonCode; readonly expected: string };

/** Header values are mostly short ASCII (ids, content types): those skip the Buffer round trip. */
const ASCII_FAST_PATH_MAX = 1024;

/** The UTF-8 text of a header value, or undefined when its bytes are not UTF-8. */
function headerText(signedBytes: readonly number[]): string | undefined {
  if (signedBytes.length <= ASCII_FAST_PATH_MAX && isAscii(signedBytes)) {
    // One call for the whole value: the spread form allocated the arguments as it went.
    return String.fromCharCode.apply(null, signedBytes as number[]);
  }
  const bytes = headerBytes(signedBytes);
  return isUtf8(bytes) ? bytes.toString("utf8") : undefined;
}

/** Indexed, not for-of: its iterators were 2 MB of the bench batch's allocations. */
function isAscii(signedBytes: readonly number[]): boolean {
  for (let index = 0; index < signedBytes.length; index += 1) {
    const byte = signedBytes[index] as number;
    if (byte < 0 || byte > 127) return false;
  }
  return true;
}

/**
 * One header value as JSON, per `HEADER_FORMAT`. `connector`: as Kafka Connect's default
 * `SimpleHeaderConverter` types it and the connector's JSON output writes it; where the connector
 * would fail the record (a `null` text, `{}`, a Date that is not midnight...), the text as a string.
 * `string`: the UTF-8 text. `base64`: the bytes' base64.
 */
function headerValueJson(signedBytes: readonly number[], format: HeaderFormat): string {
  if (format === "base64") return JSON.stringify(headerBytes(signedBytes).toString("base64"));
  const text = headerText(signedBytes);
  if (text === undefined) return JSON.stringify(headerBytes(signedBytes).toString("base64"));
  if (format === "string") return JSON.stringify(text);
  const parsed = parseHeaderText(text, MAX_HEADER_DEPTH);
  if (parsed === null) return "null";
  try {
    return connectToJson(parsed.schema, parsed.value);
  } catch (error) {
    if (error instanceof ConnectorCannotRender) return JSON.stringify(text);
    throw error;
  }
}

/**
 * Renders headers as `[{"<name>": <value>}]` in record order with duplicates kept (SPEC §3), each
 * value per `format`; in every format bytes that are not UTF-8 become base64 and a null header `null`.
 * The ESM sends header bytes as Java signed bytes (-128..127). A header whose typed value would nest
 * deeper than PutEvents accepts makes the record poison.
 */
export function renderHeaders(
  headers: readonly KafkaHeader[] | undefined,
  format: HeaderFormat = "connector",
): RenderedHeaders {
  if (headers === undefined || headers.length === 0) return EMPTY;
  let json = "";
  try {
    // Indexed and for-in: no iterator or key array per record.
    for (let index = 0; index < headers.length; index += 1) {
      const header = headers[index] as KafkaHeader;
      for (const name in header) {
        const signedBytes = header[name];
        const value =
          signedBytes === null || signedBytes === undefined ? "null" : headerValueJson(signedBytes, format);
        json += `${json === "" ? "[" : ","}${objectStart(name)}${value}}`;
      }
    }
  } catch (error) {
    if (!(error instanceof HeaderTooDeep)) throw error;
    return {
      ok: false,
      code: "NestingTooDeep",
      expected: `header values nested at most ${MAX_HEADER_DEPTH} levels, as PutEvents requires (HEADER_FORMAT=connector)`,
    };
  }
  return { ok: true, json: json === "" ? "[]" : `${json}]` };
}

const EMPTY: RenderedHeaders = { ok: true, json: "[]" };

/**
 * `{"<name>":` for a header name, kept for the first 256 names of up to 128 characters: a topic's
 * records carry the same few names, and building it per header was a tenth of the bench batch's header
 * allocations.
 */
const objectStarts = new Map<string, string>();
const MAX_KEPT_NAMES = 256;
const MAX_KEPT_NAME_LENGTH = 128;

function objectStart(name: string): string {
  let start = objectStarts.get(name);
  if (start === undefined) {
    start = `{${JSON.stringify(name)}:`;
    if (objectStarts.size < MAX_KEPT_NAMES && name.length <= MAX_KEPT_NAME_LENGTH)
      objectStarts.set(name, start);
  }
  return start;
}
