import type { PoisonRecordError } from "../errors";
import { headerBytes } from "./decode-payload";
import { type KafkaRecord, MALFORMED } from "./kafka-event";

/**
 * SQS accepts at most 1 MiB per message and per SendMessageBatch call, attributes included.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
 */
export const SQS_MAX_BYTES = 1_048_576;
export const SQS_MAX_BATCH_ENTRIES = 10;

export interface DeadLetterAttribute {
  readonly DataType: "String" | "Number";
  readonly StringValue: string;
}

/** One dead-letter message: the record, losslessly (base64), and why it could not be delivered. */
export interface DeadLetterMessage {
  readonly record: KafkaRecord;
  readonly body: string;
  readonly attributes: Readonly<Record<string, DeadLetterAttribute>>;
  /** Body plus attribute names, types and values: what SQS counts against its size limit. */
  readonly size: number;
}

/** The JSON body of a dead-letter message, documented in the README ("Dead-letter messages"). */
export interface DeadLetterBody {
  readonly version: 1;
  readonly connectorId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Null when the record's `timestamp` was malformed (it is then in `malformedFields`). */
  readonly timestamp: number | null;
  /** Null when the record's `timestampType` was malformed. */
  readonly timestampType: string | null;
  /** Null when absent, or malformed. */
  readonly key: string | null;
  readonly value: string | null;
  /** Null when the record's `headers` were malformed. */
  readonly headers: readonly Record<string, string | null>[] | null;
  /**
   * Only for a record with a malformed field (`Invalid{Timestamp,TimestampType,KeyType,ValueType,Headers}`):
   * each such field exactly as the event carried it, so nothing of the record is lost.
   */
  readonly malformedFields?: Readonly<Record<string, unknown>>;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly eventSourceArn: string | null;
  readonly deadLetteredAt: string;
}

function headersAsBase64(record: KafkaRecord): Record<string, string | null>[] {
  return (record.headers ?? []).flatMap((header) =>
    Object.entries(header).map(([name, bytes]) => ({
      [name]: bytes === null ? null : headerBytes(bytes).toString("base64"),
    })),
  );
}

function attributeBytes(attributes: Readonly<Record<string, DeadLetterAttribute>>): number {
  let size = 0;
  for (const [name, { DataType, StringValue }] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(DataType) + Buffer.byteLength(StringValue);
  }
  return size;
}

/**
 * The dead-letter message of a poison record: its bytes in base64 (and, for a record with malformed
 * fields, those fields as they came), the error code and message, and filterable attributes.
 */
export function deadLetterMessage(
  record: KafkaRecord,
  error: PoisonRecordError,
  context: { readonly connectorId: string; readonly eventSourceArn: string | undefined; readonly now: Date },
): DeadLetterMessage {
  const malformed = record[MALFORMED]?.fields;
  const body: DeadLetterBody = {
    version: 1,
    connectorId: context.connectorId,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: malformed && "timestamp" in malformed ? null : record.timestamp,
    timestampType: malformed && "timestampType" in malformed ? null : record.timestampType,
    key: record.key ?? null,
    value: record.value ?? null,
    headers: malformed && "headers" in malformed ? null : headersAsBase64(record),
    ...(malformed === undefined ? {} : { malformedFields: malformed }),
    errorCode: error.code,
    errorMessage: error.message,
    eventSourceArn: context.eventSourceArn ?? null,
    deadLetteredAt: context.now.toISOString(),
  };
  const attributes: Record<string, DeadLetterAttribute> = {
    topic: { DataType: "String", StringValue: record.topic },
    partition: { DataType: "Number", StringValue: String(record.partition) },
    offset: { DataType: "Number", StringValue: String(record.offset) },
    errorCode: { DataType: "String", StringValue: error.code },
  };
  const text = JSON.stringify(body);
  return { record, body: text, attributes, size: Buffer.byteLength(text) + attributeBytes(attributes) };
}
