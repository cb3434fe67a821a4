import type { Rendered } from "./decode-payload";
import type { KafkaRecord } from "./kafka-event";

export type RecordPart = "key" | "value";

/** A part that cannot be decoded now for a reason that may pass (a schema registry unreachable). */
export interface RetryableFailure {
  readonly ok: false;
  readonly retryable: true;
  readonly code: string;
  readonly message: string;
}

/**
 * Turns a record's key or value into JSON text for `detail`, a poison reason, or a retryable failure.
 * The pipeline supplies one that knows the schema registries; without it, parts are read by format.
 */
export type PartRenderer = (record: KafkaRecord, part: RecordPart) => Rendered | RetryableFailure;
