import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../lambda/config";
import { type EventEntry, mapRecord } from "../../../lambda/core/map-entry";
import { RetryQueue } from "../../../lambda/delivery/retry-queue";
import { manyRecords } from "../../../tooling/kafka-records";

const config = loadConfig({
  CONNECTOR_ID: "unit",
  EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/unit",
});
const entries = (count: number): EventEntry[] =>
  manyRecords(count).map((record) => mapRecord(config, record) as EventEntry);
const offsets = (items: readonly EventEntry[] | undefined) => items?.map((item) => item.record.offset);

describe("RetryQueue", () => {
  it("hands out the packed requests in order, then is empty", () => {
    const [a, b] = [entries(3), entries(2)];
    const queue = new RetryQueue([a, b], 1_048_575);
    expect(queue.next()?.entries).toBe(a);
    expect(queue.next()?.entries).toBe(b);
    expect(queue.next()).toBeUndefined();
    expect(queue.isEmpty).toBe(true);
  });

  it("merges retries due with the same count into one request of at most 10 entries", async () => {
    const items = entries(14);
    const queue = new RetryQueue([], 1_048_575);
    await queue.after(Promise.resolve(), items.slice(0, 4), 1);
    await queue.after(Promise.resolve(), items.slice(4, 8), 1);
    await queue.after(Promise.resolve(), items.slice(8, 10), 2);
    await queue.after(Promise.resolve(), items.slice(10, 14), 1);
    const first = queue.next();
    expect(first?.entries).toHaveLength(8);
    expect(first?.retry).toBe(1);
    expect(offsets(queue.next()?.entries)).toEqual([8, 9]);
    expect(offsets(queue.next()?.entries)).toEqual([0, 1, 2, 3]);
  });

  it("never merges retries beyond the byte budget", async () => {
    const items = entries(4);
    const size = items[0]?.size ?? 0;
    const queue = new RetryQueue([], size * 2);
    for (const item of items) await queue.after(Promise.resolve(), [item], 1);
    expect(queue.next()?.entries).toHaveLength(2);
    expect(queue.next()?.entries).toHaveLength(2);
  });

  it("keeps split halves apart and sends them first", () => {
    const items = entries(5);
    const queue = new RetryQueue([entries(1)], 1_048_575);
    queue.unshiftSplit(items, 0);
    expect(offsets(queue.next()?.entries)).toEqual([0, 1, 2]);
    expect(offsets(queue.next()?.entries)).toEqual([3, 4]);
  });

  it("is not empty while a retry waits out its backoff", async () => {
    const queue = new RetryQueue([], 1_048_575);
    let release: () => void = () => undefined;
    const waiting = queue.after(new Promise<void>((resolve) => (release = resolve)), entries(1), 1);
    expect(queue.isEmpty).toBe(false);
    expect(queue.hasReady).toBe(false);
    release();
    await waiting;
    expect(queue.hasReady).toBe(true);
  });
});
