import { entrySize } from "../core/entry-size";
import type { RecordCoordinates } from "../core/kafka-event";
import type { EventEntry } from "../core/map-entry";
import type { RecordFormat } from "../env-names";
import { CLAIM_CHECK_CONTENT_TYPES } from "./content-types";
import { findJsonSpan } from "./json-span";
import type { OffloadPath } from "./offload-path";

/** An object to put in the claim-check bucket. */
export interface ClaimCheckObject {
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
}

/** An entry's claim check: the smaller entry to send and the object that holds what it no longer carries. */
export interface ClaimCheck {
  readonly entry: EventEntry;
  readonly object: ClaimCheckObject;
}

export interface ClaimCheckSettings {
  readonly bucket: string;
  readonly prefix: string;
  readonly path: OffloadPath;
}

/**
 * The object key of a record's claim check: `<prefix><topic>/<partition>/<offset>` (SPEC §9). It depends
 * on the record alone, so a redelivered record overwrites its object instead of leaving a second one.
 */
export function claimCheckKey(prefix: string, record: RecordCoordinates): string {
  return `${prefix}${record.topic}/${record.partition}/${record.offset}`;
}

/** `arn:aws:s3:::<bucket>/<key>`, the connector's `dataref`. S3 ARNs carry no region or account. */
export function s3ObjectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/**
 * The body for the JSON text at the path: a JSON string's characters as text (as the connector stores a
 * string value), or the record's exact bytes when the value is the base64 of `VALUE_FORMAT=base64`; any
 * other JSON value as its own JSON text, byte for byte as it stood in `detail`.
 */
function objectBody(json: string, wholeBase64Value: boolean): Pick<ClaimCheckObject, "body" | "contentType"> {
  if (json.charCodeAt(0) !== 0x22) {
    return { body: Buffer.from(json, "utf8"), contentType: CLAIM_CHECK_CONTENT_TYPES.json };
  }
  const text = JSON.parse(json) as string;
  return wholeBase64Value
    ? { body: Buffer.from(text, "base64"), contentType: CLAIM_CHECK_CONTENT_TYPES.bytes }
    : { body: Buffer.from(text, "utf8"), contentType: CLAIM_CHECK_CONTENT_TYPES.text };
}

/**
 * Builds the claim check of `entry` (SPEC §9), as the connector shapes it: the part at the path is
 * removed from `detail`, and `detail` ends with `"dataref":"arn:aws:s3:::<bucket>/<key>"` and
 * `"datarefJsonPath":"<OFFLOAD_JSONPATH>"`. Everything else in `Detail` stays byte for byte. Returns
 * undefined when the path selects nothing or `null` (a tombstone): there is nothing to offload, as in
 * the connector. `valueFormat` is the record's `VALUE_FORMAT`.
 */
export function claimCheck(
  entry: EventEntry,
  settings: ClaimCheckSettings,
  valueFormat: RecordFormat,
): ClaimCheck | undefined {
  const detail = entry.entry.Detail;
  // The path starts with $.detail; the entry's Detail is that object.
  const span = findJsonSpan(detail, settings.path.segments.slice(1));
  if (span === undefined) return undefined;
  const json = detail.slice(span.start, span.end);
  if (json === "null") return undefined;

  const key = claimCheckKey(settings.prefix, entry.record);
  const wholeBase64Value = valueFormat === "base64" && settings.path.segments.length === 2;
  const object = { key, ...objectBody(json, wholeBase64Value) };

  const kept = detail.slice(0, span.removeStart) + detail.slice(span.removeEnd);
  const close = kept.lastIndexOf("}");
  const reference =
    `"dataref":${JSON.stringify(s3ObjectArn(settings.bucket, key))},` +
    `"datarefJsonPath":${JSON.stringify(settings.path.text)}`;
  const empty = kept.slice(0, close).trimEnd().endsWith("{");
  const Detail = `${kept.slice(0, close)}${empty ? "" : ","}${reference}${kept.slice(close)}`;

  const smaller: EventEntry["entry"] = { ...entry.entry, Detail };
  return { entry: { record: entry.record, entry: smaller, size: entrySize(smaller) }, object };
}
