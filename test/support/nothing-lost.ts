import { expect } from "vitest";
import type { RecordCoordinates } from "../../lambda/core/kafka-event";
import type { BatchResult } from "../../lambda/process-batch";

/** The de-duplication key of a record or of a delivered event's `detail`. */
export const coordinatesKey = (record: RecordCoordinates) =>
  `${record.topic}|${record.partition}|${record.offset}`;

/**
 * The "nothing is lost" invariant (SPEC §5): every record of the batch is on the bus, in the dead-letter
 * queue, or at or after its partition's reported offset (so the event source mapping retries it), and
 * its outcome says where.
 */
export function expectNothingLost(
  result: BatchResult,
  onBus: ReadonlySet<string>,
  deadLettered: { has(key: string): boolean },
): void {
  const reported = new Map(
    result.response.batchItemFailures.map(({ itemIdentifier }) => [
      itemIdentifier.partition,
      itemIdentifier.offset,
    ]),
  );
  expect(result.outcomes.size).toBe(result.records.length);
  for (const record of result.records) {
    const key = coordinatesKey(record);
    const lowest = reported.get(`${record.topic}-${record.partition}`);
    const retried = lowest !== undefined && lowest <= record.offset;
    expect(onBus.has(key) || deadLettered.has(key) || retried, `record ${key} was lost`).toBe(true);
    const outcome = result.outcomes.get(record);
    if (outcome?.kind === "delivered") expect(onBus.has(key)).toBe(true);
    if (outcome?.kind === "deadLettered") expect(deadLettered.has(key)).toBe(true);
    if (outcome?.kind === "failed") expect(retried).toBe(true);
  }
}
