import { isUtf8 } from "node:buffer";
import type { RecordFormat } from "../env-names";

/** A payload rendered as a JSON text ready to embed in `detail`, or the reason it cannot be. */
export type Rendered =
  | { readonly ok: true; readonly json: string; readonly text: string | undefined }
  | { readonly ok: false; readonly code: "InvalidJson" | "InvalidUtf8"; readonly expected: string };

const NULL: Rendered = { ok: true, json: "null", text: undefined };

function asString(text: string): Rendered {
  return { ok: true, json: JSON.stringify(text), text: undefined };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
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

/**
 * Renders headers as the connector does: `[{"<name>": "<UTF-8 value>"}]` in record order with
 * duplicates kept; bytes that are not UTF-8 become base64, a null header `null`.
 * The ESM sends header bytes as Java signed bytes (-128..127).
 */
export function renderHeaders(
  headers: readonly Readonly<Record<string, readonly number[] | null>>[] | undefined,
): string {
  if (headers === undefined || headers.length === 0) return "[]";
  const parts: string[] = [];
  for (const header of headers) {
    for (const [name, signedBytes] of Object.entries(header)) {
      let value: string | null = null;
      if (signedBytes !== null) {
        const bytes = Buffer.from(Uint8Array.from(signedBytes, (b) => b & 0xff));
        value = isUtf8(bytes) ? bytes.toString("utf8") : bytes.toString("base64");
      }
      parts.push(`{${JSON.stringify(name)}:${JSON.stringify(value)}}`);
    }
  }
  return `[${parts.join(",")}]`;
}
