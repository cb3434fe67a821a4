import { InvalidEventError } from "../errors";

/**
 * The event a Lambda Kafka event source mapping delivers (MSK: `aws:kafka`, self-managed:
 * `SelfManagedKafka`). https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html#msk-sample-event
 */
export interface KafkaEvent {
  readonly eventSource: KafkaEventSource;
  readonly eventSourceArn?: string;
  readonly bootstrapServers?: string;
  readonly records: Readonly<Record<string, readonly KafkaRecord[]>>;
}

export const KAFKA_EVENT_SOURCES = ["aws:kafka", "SelfManagedKafka"] as const;
export type KafkaEventSource = (typeof KAFKA_EVENT_SOURCES)[number];

export const TIMESTAMP_TYPES = ["CREATE_TIME", "LOG_APPEND_TIME", "NO_TIMESTAMP_TYPE"] as const;
export type TimestampType = (typeof TIMESTAMP_TYPES)[number];

/** One header: a single-key object whose value is the header's bytes as Java signed bytes. */
export type KafkaHeader = Readonly<Record<string, readonly number[] | null>>;

export interface SchemaMetadata {
  readonly dataFormat: string;
  readonly schemaId: string;
}

export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly timestampType: TimestampType;
  /** base64; absent or null when the record has no key. */
  readonly key?: string | null;
  /** base64; absent or null for a tombstone. */
  readonly value?: string | null;
  readonly headers?: readonly KafkaHeader[];
  readonly keySchemaMetadata?: SchemaMetadata;
  readonly valueSchemaMetadata?: SchemaMetadata;
}

/** Where a record sits: the de-duplication key and what every log line and error carries. */
export interface RecordCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How a bad value is named in errors: `null`, `an array`, `"text"`, `42`, `an object`. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === "string";
}

function isSignedByte(b: unknown): boolean {
  return Number.isInteger(b) && (b as number) >= -128 && (b as number) <= 127;
}

// Loops rather than every(): a batch carries tens of thousands of headers.
function isHeader(value: unknown): value is KafkaHeader {
  if (!isObject(value)) return false;
  for (const name in value) {
    const bytes = value[name];
    if (bytes === null) continue;
    if (!Array.isArray(bytes)) return false;
    for (const b of bytes) if (!isSignedByte(b)) return false;
  }
  return true;
}

/** The first field of `record` that is not as the ESM sends it: what was expected and what came. */
function recordProblem(record: unknown): [expected: string, received: unknown] | undefined {
  if (!isObject(record)) return ["a record object", record];
  const { topic, partition, offset, timestamp, timestampType, key, value, headers } = record;
  if (typeof topic !== "string" || topic === "") return ["`topic` as a non-empty string", topic];
  if (!Number.isSafeInteger(partition) || (partition as number) < 0)
    return ["`partition` as a non-negative integer", partition];
  if (!Number.isSafeInteger(offset) || (offset as number) < 0)
    return ["`offset` as a non-negative integer", offset];
  if (typeof timestamp !== "number") return ["`timestamp` as epoch milliseconds", timestamp];
  if (!TIMESTAMP_TYPES.includes(timestampType as TimestampType))
    return [`\`timestampType\` as one of ${TIMESTAMP_TYPES.join(", ")}`, timestampType];
  if (!isOptionalString(key)) return ["`key` as a base64 string or null", key];
  if (!isOptionalString(value)) return ["`value` as a base64 string or null", value];
  if (headers !== undefined && !(Array.isArray(headers) && headers.every(isHeader)))
    return ["`headers` as an array of { name: signed bytes (-128..127)[] | null }", headers];
  return undefined;
}

/**
 * Checks that `event` is a Kafka ESM batch and returns it typed. Throws {@link InvalidEventError}
 * naming the first thing that is not as expected.
 */
export function parseKafkaEvent(event: unknown): KafkaEvent {
  if (!isObject(event)) throw new InvalidEventError("a Kafka event object", describe(event));
  if (!KAFKA_EVENT_SOURCES.includes(event.eventSource as KafkaEventSource)) {
    throw new InvalidEventError(
      `\`eventSource\` "aws:kafka" or "SelfManagedKafka"`,
      describe(event.eventSource),
    );
  }
  if (!isObject(event.records))
    throw new InvalidEventError("`records` as an object of arrays", describe(event.records));
  for (const [batchKey, records] of Object.entries(event.records)) {
    if (!Array.isArray(records))
      throw new InvalidEventError(`\`records["${batchKey}"]\` as an array`, describe(records));
    records.forEach((record, index) => {
      const problem = recordProblem(record);
      if (problem === undefined) return;
      const [expected, received] = problem;
      throw new InvalidEventError(`${expected} at records["${batchKey}"][${index}]`, describe(received));
    });
  }
  return event as unknown as KafkaEvent;
}

/** The records of a batch in delivery order: partition by partition, offsets ascending as the ESM sends them. */
export function recordsOf(event: KafkaEvent): KafkaRecord[] {
  return Object.values(event.records).flat();
}

/** `itemIdentifier.partition` of a batch item failure: `<topic>-<partition>`, built from the record's fields. */
export function partitionKey(record: RecordCoordinates): string {
  return `${record.topic}-${record.partition}`;
}
