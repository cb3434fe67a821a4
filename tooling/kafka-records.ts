import type { KafkaEvent, KafkaHeader, KafkaRecord } from "../lambda/core/kafka-event";

/** Bytes as the ESM sends header values: Java signed bytes. */
export function signedBytes(bytes: Uint8Array | string): number[] {
  const buffer = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : Buffer.from(bytes);
  return [...buffer].map((b) => (b > 127 ? b - 256 : b));
}

export function base64(payload: string | Uint8Array | object): string {
  if (typeof payload === "string") return Buffer.from(payload, "utf8").toString("base64");
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString("base64");
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64");
}

export interface RecordSpec {
  topic?: string;
  partition?: number;
  offset?: number;
  timestamp?: number;
  timestampType?: KafkaRecord["timestampType"];
  /** A string or bytes is sent as is; an object as its JSON; null is a null key/value. */
  key?: string | Uint8Array | object | null;
  value?: string | Uint8Array | object | null;
  headers?: [string, string | Uint8Array | null][];
}

/** A Kafka ESM record; key and value given as text, bytes or objects and base64-encoded as the ESM does. */
export function kafkaRecord(spec: RecordSpec = {}): KafkaRecord {
  const encode = (payload: RecordSpec["key"]) =>
    payload === null || payload === undefined ? payload : base64(payload);
  const headers: KafkaHeader[] = (spec.headers ?? []).map(([name, value]) => ({
    [name]: value === null ? null : signedBytes(value),
  }));
  return {
    topic: spec.topic ?? "orders",
    partition: spec.partition ?? 0,
    offset: spec.offset ?? 0,
    timestamp: spec.timestamp ?? 1_700_000_000_000,
    timestampType: spec.timestampType ?? "CREATE_TIME",
    key: encode(spec.key),
    value: encode(spec.value === undefined ? { id: 1 } : spec.value),
    headers,
  };
}

/** An MSK ESM event holding the records, grouped by `<topic>-<partition>` as Lambda groups them. */
export function kafkaEvent(
  records: readonly KafkaRecord[],
  eventSource: KafkaEvent["eventSource"] = "aws:kafka",
): KafkaEvent {
  const grouped: Record<string, KafkaRecord[]> = {};
  for (const record of records) {
    const batchKey = `${record.topic}-${record.partition}`;
    if (grouped[batchKey] === undefined) grouped[batchKey] = [];
    grouped[batchKey].push(record);
  }
  return {
    eventSource,
    ...(eventSource === "aws:kafka"
      ? {
          eventSourceArn:
            "arn:aws:kafka:us-east-1:123456789012:cluster/demo/abcd1234-ab12-cd34-ef56-abcdef123456-1",
        }
      : {}),
    bootstrapServers:
      "b-1.demo.kafka.us-east-1.amazonaws.com:9098,b-2.demo.kafka.us-east-1.amazonaws.com:9098",
    records: grouped,
  };
}

/** `count` JSON records spread over `partitions` partitions of one topic, offsets ascending per partition. */
export function manyRecords(
  count: number,
  options: { topic?: string; partitions?: number; valueBytes?: number } = {},
) {
  const partitions = options.partitions ?? 1;
  const padding = "x".repeat(Math.max(0, (options.valueBytes ?? 100) - 40));
  return Array.from({ length: count }, (_, index) =>
    kafkaRecord({
      topic: options.topic ?? "orders",
      partition: index % partitions,
      offset: Math.floor(index / partitions),
      key: `order-${index}`,
      value: { id: index, padding },
    }),
  );
}
