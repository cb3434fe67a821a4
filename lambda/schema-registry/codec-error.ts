import { KafkaEventBridgeError } from "../errors";

/** The poison codes a codec raises: the registry decoder dead-letters the record under this code. */
export const CODEC_ERROR_CODES = {
  schemaMismatch: "SchemaMismatch",
  invalidSchema: "InvalidSchema",
} as const;
export type CodecErrorCode = (typeof CODEC_ERROR_CODES)[keyof typeof CODEC_ERROR_CODES];

/**
 * Payload bytes that do not match their writer schema: truncated, trailing bytes, a union or enum
 * index out of range, a length past the end, text that is not UTF-8. The record is poison.
 */
export class SchemaMismatchError extends KafkaEventBridgeError {
  readonly code = CODEC_ERROR_CODES.schemaMismatch;

  constructor(
    /** What the schema expected at the point of failure, e.g. "a union index below 3 at $.payment". */
    readonly expected: string,
    options?: ErrorOptions,
  ) {
    super(`Payload does not match its schema: expected ${expected}`, options);
  }
}

/** A schema text the codec cannot compile (not valid Avro/Protobuf/JSON Schema, a reference missing). */
export class InvalidSchemaError extends KafkaEventBridgeError {
  readonly code = CODEC_ERROR_CODES.invalidSchema;

  constructor(message: string, options?: ErrorOptions) {
    super(`Invalid schema: ${message}`, options);
  }
}
