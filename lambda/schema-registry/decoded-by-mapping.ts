import type { KafkaRecord } from "../core/kafka-event";

/**
 * Whether the event source mapping's own schema registry integration already decoded this part of the
 * record: it then carries `keySchemaMetadata` / `valueSchemaMetadata`, and with `EventRecordFormat` JSON
 * the payload is JSON text with no wire header, to be taken as `json` with no registry call (SPEC §9).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-consume-kafka-events.html
 */
export function decodedByMapping(record: KafkaRecord, part: "key" | "value"): boolean {
  return (part === "key" ? record.keySchemaMetadata : record.valueSchemaMetadata) !== undefined;
}
