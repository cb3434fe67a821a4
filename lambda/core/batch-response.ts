import { partitionKey, type RecordCoordinates } from "./kafka-event";

/**
 * The partial batch response of a Kafka event source mapping: per partition, the lowest offset that
 * failed; Lambda retries that partition from there.
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
 */
export interface KafkaBatchResponse {
  batchItemFailures: { itemIdentifier: { partition: string; offset: number } }[];
}

export function batchResponse(failedRecords: Iterable<RecordCoordinates>): KafkaBatchResponse {
  const lowest = new Map<string, number>();
  for (const record of failedRecords) {
    const key = partitionKey(record);
    const current = lowest.get(key);
    if (current === undefined || record.offset < current) lowest.set(key, record.offset);
  }
  return {
    batchItemFailures: [...lowest].map(([partition, offset]) => ({ itemIdentifier: { partition, offset } })),
  };
}
