import type { Rendered } from "../core/decode-payload";
import type { RegistryFormat } from "../env-names";

/** One key or value whose format is a schema-registry format, as the pipeline hands it over. */
export interface RegistryPayload {
  /** The payload's bytes, wire header included (Confluent `0x00` + id, or Glue `0x03`). */
  readonly bytes: Buffer;
  readonly format: RegistryFormat;
  readonly topic: string;
  readonly part: "key" | "value";
}

/** A payload that will never decode (see `REGISTRY_CODES`): the record is dead-lettered. */
export interface RegistryPoison {
  readonly ok: false;
  readonly retryable?: undefined;
  readonly code: string;
  /** What the bytes should have been, for the poison message (`value is not <expected>`). */
  readonly expected: string;
}

/** A payload whose schema could not be had for a reason that may pass: the record is reported failed. */
export interface RetryableDecodeFailure {
  readonly ok: false;
  readonly retryable: true;
  readonly code: string;
  readonly message: string;
}

/**
 * The pipeline's port to the schema registries (SPEC §9). `prepare` does all the I/O of a batch up front
 * (wire headers read, schemas fetched once per id and cached for the container, codecs loaded lazily),
 * so that `render`, called while mapping, is synchronous and pure.
 */
export interface RegistryDecoder {
  /** Fetches what these payloads need. Never rejects: a failure is remembered and reported by `render`. */
  prepare(payloads: readonly RegistryPayload[], signal: AbortSignal): Promise<void>;
  /**
   * The payload as JSON text for `detail`; a poison reason (unknown schema, bytes that do not match it,
   * a missing or wrong wire header); or a retryable failure (registry unreachable, 5xx, throttled, timed out).
   */
  render(payload: RegistryPayload): Rendered | RegistryPoison | RetryableDecodeFailure;
}
