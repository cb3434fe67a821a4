import type { KafkaEvent, KafkaRecord } from "../../lambda/core/kafka-event";

/** What became of one replayed record. `handled` means delivered or dead-lettered again, not known which. */
export type ReplayOutcome =
  | { readonly kind: "delivered" }
  | { readonly kind: "deadLettered"; readonly code: string }
  | { readonly kind: "handled" }
  | { readonly kind: "failed"; readonly code: string; readonly message: string };

/** Where records are replayed: the function in process, or the deployed function. */
export interface ReplayTarget {
  readonly description: string;
  /** Most records per call; each call holds at most one record per partition. */
  readonly batchSize: number;
  /** Runs one event; resolves with an outcome for each of its records. Never rejects for a record's sake. */
  run(event: KafkaEvent): Promise<Map<KafkaRecord, ReplayOutcome>>;
  close(): Promise<void>;
}

/** An ESM event holding the records (one per partition), as the mapping would send them. */
export function replayEvent(records: readonly KafkaRecord[], eventSourceArn: string | null): KafkaEvent {
  const grouped: Record<string, KafkaRecord[]> = {};
  for (const record of records) grouped[`${record.topic}-${record.partition}`] = [record];
  return eventSourceArn === null
    ? { eventSource: "SelfManagedKafka", records: grouped }
    : { eventSource: "aws:kafka", eventSourceArn, records: grouped };
}
