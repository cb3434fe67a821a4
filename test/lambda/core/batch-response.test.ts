import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchResponse } from "../../../lambda/core/batch-response";
import type { RecordCoordinates } from "../../../lambda/core/kafka-event";

const at = (topic: string, partition: number, offset: number): RecordCoordinates => ({
  topic,
  partition,
  offset,
});

function byPartition(response: ReturnType<typeof batchResponse>): Record<string, number> {
  return Object.fromEntries(
    response.batchItemFailures.map(({ itemIdentifier }) => [itemIdentifier.partition, itemIdentifier.offset]),
  );
}

describe("batchResponse", () => {
  it("returns an empty list when nothing failed", () => {
    expect(batchResponse([])).toEqual({ batchItemFailures: [] });
  });

  it("reports the lowest failed offset per partition", () => {
    const response = batchResponse([
      at("orders", 0, 5),
      at("orders", 0, 3),
      at("orders", 1, 7),
      at("orders", 0, 9),
    ]);
    expect(response.batchItemFailures).toHaveLength(2);
    expect(byPartition(response)).toEqual({ "orders-0": 3, "orders-1": 7 });
  });

  it("builds the partition as <topic>-<partition> for topics with dashes", () => {
    const response = batchResponse([
      at("order-events", 10, 4),
      at("order-events-1", 0, 2),
      at("order-events", 1, 8),
    ]);
    expect(byPartition(response)).toEqual({
      "order-events-10": 4,
      "order-events-1-0": 2,
      "order-events-1": 8,
    });
  });

  it("reports a partition once when the same offset fails twice", () => {
    expect(batchResponse([at("orders", 0, 3), at("orders", 0, 3)]).batchItemFailures).toEqual([
      { itemIdentifier: { partition: "orders-0", offset: 3 } },
    ]);
  });

  it("reports exactly one item per failed partition, at its lowest offset", () => {
    const coordinates = fc.record({
      topic: fc.constantFrom("orders", "order-events", "a-1", "a"),
      partition: fc.integer({ min: 0, max: 12 }),
      offset: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(coordinates, { maxLength: 50 }), (failed) => {
        const expected = new Map<string, number>();
        for (const { topic, partition, offset } of failed) {
          const key = `${topic}-${partition}`;
          expected.set(key, Math.min(offset, expected.get(key) ?? Infinity));
        }
        const response = batchResponse(failed);
        expect(response.batchItemFailures).toHaveLength(expected.size);
        expect(byPartition(response)).toEqual(Object.fromEntries(expected));
      }),
    );
  });
});
