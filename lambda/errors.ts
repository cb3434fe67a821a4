import type { RecordCoordinates } from "./core/kafka-event";

/** Base of every error this function raises on purpose; branch on `instanceof` or `code`, never on text. */
export abstract class KafkaEventBridgeError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A missing or invalid environment variable, detected at cold start. */
export class ConfigError extends KafkaEventBridgeError {
  readonly code = "InvalidConfiguration";

  constructor(
    readonly variable: string,
    readonly value: string | undefined,
    readonly expected: string,
    options?: ErrorOptions,
  ) {
    super(
      value === undefined
        ? `${variable} is required: expected ${expected}`
        : `${variable}=${JSON.stringify(value)} is invalid: expected ${expected}`,
      options,
    );
  }
}

/** Several invalid environment variables, all found in one pass at cold start. */
export class ConfigErrors extends KafkaEventBridgeError {
  readonly code = "InvalidConfiguration";

  constructor(readonly problems: readonly ConfigError[]) {
    super(
      `${problems.length} invalid settings:\n${problems.map((problem) => `- ${problem.message}`).join("\n")}`,
    );
  }
}

/** The invocation's event is not a Kafka event source mapping batch. */
export class InvalidEventError extends KafkaEventBridgeError {
  readonly code = "InvalidEvent";

  constructor(
    readonly expected: string,
    readonly received: string,
  ) {
    super(`Not a Kafka event source mapping batch: expected ${expected}, got ${received}`);
  }
}

export const POISON_CODES = {
  invalidJson: "InvalidJson",
  invalidUtf8: "InvalidUtf8",
  entryTooLarge: "EntryTooLarge",
  // A record field other than its coordinates is not as the ESM sends it (SPEC §5): kafka-event.ts.
  invalidTimestamp: "InvalidTimestamp",
  invalidTimestampType: "InvalidTimestampType",
  invalidKeyType: "InvalidKeyType",
  invalidValueType: "InvalidValueType",
  invalidHeaders: "InvalidHeaders",
  // The record's own content breaks a PutEventsRequestEntry limit: map-entry.ts.
  detailTypeTooLong: "DetailTypeTooLong",
  // Payload decoding (issues 11 and 15): text the ESM could not have sent, and JSON that PutEvents
  // refuses (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html):
  // decode-payload.ts, header-render.ts.
  invalidBase64: "InvalidBase64",
  integerOutOfRange: "IntegerOutOfRange",
  nestingTooDeep: "NestingTooDeep",
} as const;
export type PoisonCode = (typeof POISON_CODES)[keyof typeof POISON_CODES];

/**
 * A record that can never be delivered as it is (undecodable, too large, rejected by EventBridge as
 * malformed): it goes to the dead-letter queue. Carries the record's coordinates and the cause.
 */
export class PoisonRecordError extends KafkaEventBridgeError {
  constructor(
    readonly code: string,
    readonly record: RecordCoordinates,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${record.topic}-${record.partition}@${record.offset}: ${message}`, options);
  }
}

/**
 * A record whose coordinates are usable but another field (timestamp, timestampType, key, value,
 * headers) is not as the ESM sends it. `fields` holds those fields exactly as they came, so the
 * dead-letter message loses nothing.
 */
export class MalformedRecordError extends PoisonRecordError {
  constructor(
    code: PoisonCode,
    record: RecordCoordinates,
    message: string,
    readonly fields: Readonly<Record<string, unknown>>,
  ) {
    super(code, record, message);
  }
}

/** Thrown when records failed and the mapping does not read a partial batch response: the whole batch is retried. */
export class BatchFailedError extends KafkaEventBridgeError {
  readonly code = "BatchFailed";

  constructor(
    readonly failed: readonly RecordCoordinates[],
    readonly total: number,
  ) {
    super(
      `${failed.length} of ${total} records were not delivered or dead-lettered; failing the invocation so the batch is retried`,
    );
  }
}

export const REQUEST_FAILURE_KINDS = ["retryable", "tooLarge", "invalid", "systemic"] as const;
export type RequestFailureKind = (typeof REQUEST_FAILURE_KINDS)[number];

/**
 * A whole PutEvents or SendMessageBatch request failed after the SDK's own retries. `kind` says what
 * to do: retry it later, split it (too large), split it to find the entry it is about (invalid, a
 * non-size ValidationException), or stop sending (access denied, bus not found).
 */
export class RequestFailedError extends KafkaEventBridgeError {
  constructor(
    readonly kind: RequestFailureKind,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
