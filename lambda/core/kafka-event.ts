import { InvalidEventError, MalformedRecordError, POISON_CODES, type PoisonCode } from "../errors";

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

/**
 * The key of a record's {@link MalformedRecordError}: a symbol, so no field of the incoming JSON can
 * pose as one.
 */
export const MALFORMED: unique symbol = Symbol("malformed");

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
  /**
   * Set when a field other than the coordinates was not as the ESM sends it: the record is poison.
   * Its malformed fields then hold neutral values (-1, `NO_TIMESTAMP_TYPE`, null, no headers) and the
   * error keeps the originals.
   */
  readonly [MALFORMED]?: MalformedRecordError;
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

/**
 * How a bad key, value or header value is named in errors: its type only, since the message reaches
 * the logs and record contents never do.
 */
function describeType(value: unknown): string {
  if (value === null || value === undefined || Array.isArray(value)) return describe(value);
  const type = typeof value;
  return type === "object" ? "an object" : `a ${type}`;
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === "string";
}

function isSignedByte(b: unknown): boolean {
  return Number.isInteger(b) && (b as number) >= -128 && (b as number) <= 127;
}

/** The range of a JavaScript Date: a timestamp beyond it cannot become an event's `Time`. */
const MAX_TIMESTAMP_MS = 8.64e15;

function isTimestamp(value: unknown): boolean {
  return Number.isSafeInteger(value) && Math.abs(value as number) <= MAX_TIMESTAMP_MS;
}

/**
 * Whether `headers` is as the ESM sends it. Indexed loops, not every() or for-of: a batch carries
 * hundreds of thousands of header bytes, and their iterators were 10 MB of a 10,000-record batch's
 * allocations (bench/profile-batch.ts --allocations).
 */
function isHeaders(headers: unknown): boolean {
  if (!Array.isArray(headers)) return false;
  for (let index = 0; index < headers.length; index += 1) {
    const header: unknown = headers[index];
    if (!isObject(header)) return false;
    for (const name in header) {
      const bytes = header[name];
      if (bytes === null) continue;
      if (!Array.isArray(bytes)) return false;
      for (let at = 0; at < bytes.length; at += 1) if (!isSignedByte(bytes[at])) return false;
    }
  }
  return true;
}

/** What is wrong with `headers`, naming the element (index, header name, byte index), or undefined. */
function headersProblem(headers: unknown): string | undefined {
  if (!Array.isArray(headers)) return `\`headers\` is not an array: got ${describeType(headers)}`;
  for (let index = 0; index < headers.length; index += 1) {
    const header: unknown = headers[index];
    if (!isObject(header))
      return `headers[${index}] is not a { name: bytes } object: got ${describeType(header)}`;
    for (const name in header) {
      const bytes = header[name];
      if (bytes === null) continue;
      const where = `headers[${index}] ${JSON.stringify(name)}`;
      if (!Array.isArray(bytes))
        return `${where} is not an array of signed bytes or null: got ${describeType(bytes)}`;
      for (let at = 0; at < bytes.length; at += 1) {
        if (!isSignedByte(bytes[at]))
          return `${where} byte ${at} is not a signed byte (-128..127): got ${describe(bytes[at])}`;
      }
    }
  }
  return undefined;
}

/** Why the record's coordinates are unusable (the invocation is then rejected), or undefined. */
function coordinatesProblem(record: unknown): [expected: string, received: unknown] | undefined {
  if (!isObject(record)) return ["a record object", record];
  const { topic, partition, offset } = record;
  if (typeof topic !== "string" || topic === "") return ["`topic` as a non-empty string", topic];
  if (!Number.isSafeInteger(partition) || (partition as number) < 0)
    return ["`partition` as a non-negative integer", partition];
  if (!Number.isSafeInteger(offset) || (offset as number) < 0)
    return ["`offset` as a non-negative integer", offset];
  return undefined;
}

interface FieldProblem {
  readonly field: "timestamp" | "timestampType" | "key" | "value" | "headers";
  readonly code: PoisonCode;
  readonly message: string;
}

/** Every non-coordinate field of `record` that is not as the ESM sends it, in field order. */
function fieldProblems(record: Record<string, unknown>): FieldProblem[] {
  const { timestamp, timestampType, key, value, headers } = record;
  const problems: FieldProblem[] = [];
  if (!isTimestamp(timestamp)) {
    const message = `\`timestamp\` is not epoch milliseconds (an integer within ±${MAX_TIMESTAMP_MS}): got ${describe(timestamp)}`;
    problems.push({ field: "timestamp", code: POISON_CODES.invalidTimestamp, message });
  }
  if (!TIMESTAMP_TYPES.includes(timestampType as TimestampType)) {
    const message = `\`timestampType\` is not one of ${TIMESTAMP_TYPES.join(", ")}: got ${describe(timestampType)}`;
    problems.push({ field: "timestampType", code: POISON_CODES.invalidTimestampType, message });
  }
  if (!isOptionalString(key)) {
    const message = `\`key\` is not a base64 string or null: got ${describeType(key)}`;
    problems.push({ field: "key", code: POISON_CODES.invalidKeyType, message });
  }
  if (!isOptionalString(value)) {
    const message = `\`value\` is not a base64 string or null: got ${describeType(value)}`;
    problems.push({ field: "value", code: POISON_CODES.invalidValueType, message });
  }
  const headerProblem = headers === undefined ? undefined : headersProblem(headers);
  if (headerProblem !== undefined)
    problems.push({ field: "headers", code: POISON_CODES.invalidHeaders, message: headerProblem });
  return problems;
}

/** Neutral stand-ins for malformed fields: what downstream code reads, never what is dead-lettered. */
const NEUTRAL_FIELDS = {
  timestamp: -1,
  timestampType: "NO_TIMESTAMP_TYPE",
  key: null,
  value: null,
  headers: [],
} as const satisfies Record<FieldProblem["field"], unknown>;

/**
 * `record` as a poison record: the first problem names the error, every malformed field is kept as
 * it came in the error and replaced by its neutral value in the record.
 */
function malformedRecord(record: Record<string, unknown>, problems: readonly FieldProblem[]): KafkaRecord {
  const parsed: Record<string | symbol, unknown> = { ...record };
  const fields: Record<string, unknown> = {};
  for (const { field } of problems) {
    fields[field] = record[field];
    parsed[field] = NEUTRAL_FIELDS[field];
  }
  const coordinates = record as unknown as RecordCoordinates;
  const message = problems.map((problem) => problem.message).join("; ");
  const [first] = problems as [FieldProblem, ...FieldProblem[]];
  parsed[MALFORMED] = new MalformedRecordError(first.code, coordinates, message, fields);
  return parsed as unknown as KafkaRecord;
}

/** Whether a record with usable coordinates has every other field as the ESM sends it (the hot path). */
function isWellFormed(record: Record<string, unknown>): boolean {
  const { timestamp, timestampType, key, value, headers } = record;
  return (
    isTimestamp(timestamp) &&
    TIMESTAMP_TYPES.includes(timestampType as TimestampType) &&
    isOptionalString(key) &&
    isOptionalString(value) &&
    (headers === undefined || isHeaders(headers))
  );
}

/**
 * The records of one `records` entry. A record whose coordinates are unusable rejects the invocation;
 * one with another malformed field is kept, with its error attached. The array is copied only then.
 */
function parseRecords(batchKey: string, records: readonly unknown[]): readonly KafkaRecord[] {
  let parsed: unknown[] | undefined;
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index];
    const problem = coordinatesProblem(record);
    if (problem !== undefined) {
      const [expected, received] = problem;
      throw new InvalidEventError(`${expected} at records["${batchKey}"][${index}]`, describe(received));
    }
    const fields = record as Record<string, unknown>;
    if (isWellFormed(fields)) continue;
    parsed ??= [...records];
    parsed[index] = malformedRecord(fields, fieldProblems(fields));
  }
  return (parsed ?? records) as readonly KafkaRecord[];
}

/**
 * Checks that `event` is a Kafka ESM batch and returns it typed. Throws {@link InvalidEventError}
 * naming the first thing that is not as expected: the event's shape, or a record whose coordinates
 * (topic, partition, offset) are unusable. A record with usable coordinates but another malformed
 * field stays in the batch with its {@link MALFORMED} error set: it is poison, never a reason to
 * fail the whole batch (which would stall its partition).
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
  const records: Record<string, readonly KafkaRecord[]> = {};
  for (const [batchKey, batch] of Object.entries(event.records)) {
    if (!Array.isArray(batch))
      throw new InvalidEventError(`\`records["${batchKey}"]\` as an array`, describe(batch));
    records[batchKey] = parseRecords(batchKey, batch);
  }
  return { ...(event as unknown as KafkaEvent), records };
}

/** The records of a batch in delivery order: partition by partition, offsets ascending as the ESM sends them. */
export function recordsOf(event: KafkaEvent): KafkaRecord[] {
  return Object.values(event.records).flat();
}

/** `itemIdentifier.partition` of a batch item failure: `<topic>-<partition>`, built from the record's fields. */
export function partitionKey(record: RecordCoordinates): string {
  return `${record.topic}-${record.partition}`;
}
