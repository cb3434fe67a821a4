import type { KafkaHeader, KafkaRecord, TimestampType } from "../../lambda/core/kafka-event";

/** Bit 3 of a record batch's attributes: the broker stamped the batch (LogAppendTime). https://kafka.apache.org/documentation/#recordbatch */
const TIMESTAMP_TYPE_BIT = 0x08;
/** Bit 5: a control batch (transaction marker), never handed to a consumer. */
const CONTROL_BIT = 0x20;

/** The parts of a fetched record batch (as @platformatic/kafka parses it) this module reads. */
export interface FetchedBatch {
  readonly firstOffset: bigint;
  readonly attributes: number;
  readonly firstTimestamp: bigint;
  readonly maxTimestamp: bigint;
  readonly partitionLeaderEpoch: number;
  readonly records: readonly {
    readonly timestampDelta: bigint;
    readonly offsetDelta: number;
    readonly key: Buffer | null;
    readonly value: Buffer | null;
    readonly headers: readonly (readonly [Buffer | null, Buffer | null])[];
  }[];
}

/** A record as the local ESM holds it: the Lambda shape plus what it needs to commit and size batches. */
export interface BufferedRecord {
  readonly record: KafkaRecord;
  readonly offset: bigint;
  readonly leaderEpoch: number;
  /** UTF-8 bytes of `JSON.stringify(record)`, so batches can be cut at the payload cap. */
  readonly jsonBytes: number;
  /** The raw key, kept for a Kafka on-failure destination (Lambda reuses the original key there). */
  readonly rawKey: Buffer | null;
}

/** Header bytes as the Kafka ESM sends them: Java signed bytes, -128..127. */
export function toSignedBytes(bytes: Buffer): number[] {
  return Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/**
 * Turns one fetched record batch into Lambda Kafka ESM records, skipping control batches and records
 * below `fromOffset` (a fetch may start in the middle of a batch).
 * Record shape: https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html#msk-sample-event
 */
export function recordsOfBatch(
  topic: string,
  partition: number,
  batch: FetchedBatch,
  fromOffset: bigint,
): BufferedRecord[] {
  if (batch.attributes & CONTROL_BIT) return [];
  const logAppendTime = (batch.attributes & TIMESTAMP_TYPE_BIT) !== 0;
  const timestampType: TimestampType = logAppendTime ? "LOG_APPEND_TIME" : "CREATE_TIME";
  const out: BufferedRecord[] = [];
  for (const raw of batch.records) {
    const offset = batch.firstOffset + BigInt(raw.offsetDelta);
    if (offset < fromOffset) continue;
    const headers: KafkaHeader[] = raw.headers.map(([name, value]) => ({
      [name ? name.toString("utf8") : ""]: value ? toSignedBytes(value) : null,
    }));
    const record: KafkaRecord = {
      topic,
      partition,
      offset: Number(offset),
      timestamp: Number(logAppendTime ? batch.maxTimestamp : batch.firstTimestamp + raw.timestampDelta),
      timestampType,
      key: raw.key ? raw.key.toString("base64") : null,
      value: raw.value ? raw.value.toString("base64") : null,
      headers,
    };
    out.push({
      record,
      offset,
      leaderEpoch: batch.partitionLeaderEpoch,
      jsonBytes: Buffer.byteLength(JSON.stringify(record)),
      rawKey: raw.key,
    });
  }
  return out;
}
