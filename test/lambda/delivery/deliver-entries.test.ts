import { getMaxListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../lambda/config";
import { ThrottleMemory } from "../../../lambda/core/adaptive-limit";
import { type EventEntry, mapRecord } from "../../../lambda/core/map-entry";
import type { Deadline } from "../../../lambda/delivery/deadline";
import { deliverEntries } from "../../../lambda/delivery/deliver-entries";
import type { Publisher } from "../../../lambda/delivery/publisher";
import { RequestFailedError } from "../../../lambda/errors";
import { manyRecords } from "../../../tooling/kafka-records";
import { seededRandom } from "../../../tooling/seeded-random";
import { error, offsetOf, ok, scriptedPublisher } from "../../support/scripted-publisher";

const config = loadConfig({
  CONNECTOR_ID: "unit",
  EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/unit",
});

function entries(count: number, partitions = 1): EventEntry[] {
  return manyRecords(count, { partitions }).map((record) => mapRecord(config, record) as EventEntry);
}

const plenty: Deadline = { remainingMs: () => 60_000 };
const options = {
  maxRequestBytes: 1_048_575,
  maxConcurrency: 4,
  retriesMax: 2,
  retryDelayMs: 1,
  deadline: plenty,
  sleep: async () => undefined,
};

function kinds(report: Awaited<ReturnType<typeof deliverEntries>>) {
  const count: Record<string, number> = {};
  for (const outcome of report.outcomes.values()) count[outcome.kind] = (count[outcome.kind] ?? 0) + 1;
  return count;
}

describe("deliverEntries", () => {
  it("sends 25 small entries in 3 requests and delivers each once", async () => {
    const bench = scriptedPublisher((sent) => sent.map(ok));
    const report = await deliverEntries(entries(25), bench.publisher, options);
    expect(bench.calls).toHaveLength(3);
    expect(Math.max(...bench.calls.map((call) => call.entries.length))).toBeLessThanOrEqual(10);
    expect(kinds(report)).toEqual({ delivered: 25 });
    expect(new Set(bench.accepted.map(offsetOf)).size).toBe(25);
  });

  it("retries only the throttled entries and delivers them once", async () => {
    const bench = scriptedPublisher((sent, call) =>
      sent.map((entry) => (call === 0 && offsetOf(entry) % 3 === 0 ? error("ThrottlingException") : ok())),
    );
    const report = await deliverEntries(entries(10), bench.publisher, options);
    expect(bench.calls[1]?.entries.map(offsetOf)).toEqual([0, 3, 6, 9]);
    expect(bench.accepted.map(offsetOf).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(report.retriedEntries).toBe(4);
    expect(report.throttledEntries).toBe(4);
  });

  it("reports an entry failing with InternalFailure after RETRIES_MAX retries", async () => {
    const bench = scriptedPublisher((sent) =>
      sent.map((entry) => (offsetOf(entry) === 4 ? error("InternalFailure", "boom") : ok())),
    );
    const report = await deliverEntries(entries(10), bench.publisher, options);
    expect(bench.calls).toHaveLength(3);
    const failed = [...report.outcomes].filter(([, outcome]) => outcome.kind === "failed");
    expect(failed.map(([entry]) => entry.record.offset)).toEqual([4]);
    expect(failed[0]?.[1]).toMatchObject({ code: "InternalFailure" });
  });

  it("marks entries rejected as MalformedDetail as poison without retrying them", async () => {
    const bench = scriptedPublisher((sent) =>
      sent.map((entry) => (offsetOf(entry) === 2 ? error("MalformedDetail", "bad detail") : ok())),
    );
    const report = await deliverEntries(entries(5), bench.publisher, options);
    expect(bench.calls).toHaveLength(1);
    expect(kinds(report)).toEqual({ delivered: 4, poison: 1 });
  });

  it("reports AccessDeniedException entries failed rather than dead-lettering them", async () => {
    const bench = scriptedPublisher((sent) => sent.map(() => error("AccessDeniedException")));
    const report = await deliverEntries(entries(3), bench.publisher, options);
    expect(kinds(report)).toEqual({ failed: 3 });
  });

  it("retries a request that failed as a whole and then delivers it", async () => {
    const bench = scriptedPublisher((sent, call) => {
      if (call === 0) throw new RequestFailedError("retryable", "InternalFailure", "HTTP 500");
      return sent.map(ok);
    });
    const report = await deliverEntries(entries(10), bench.publisher, options);
    expect(bench.calls).toHaveLength(2);
    expect(kinds(report)).toEqual({ delivered: 10 });
  });

  it("splits a request rejected as too large down to the entry that is too large", async () => {
    const bench = scriptedPublisher((sent) => {
      if (sent.some((entry) => offsetOf(entry) === 6))
        throw new RequestFailedError("tooLarge", "ValidationException", "too large");
      return sent.map(ok);
    });
    const report = await deliverEntries(entries(10), bench.publisher, options);
    expect(kinds(report)).toEqual({ delivered: 9, poison: 1 });
    const poison = [...report.outcomes].find(([, outcome]) => outcome.kind === "poison");
    expect(poison?.[0].record.offset).toBe(6);
    expect(poison?.[1]).toMatchObject({ error: { code: "EntryTooLarge" } });
  });

  it("isolates a setup-level ValidationException down to one entry, then stops and reports every entry failed", async () => {
    const bench = scriptedPublisher(() => {
      throw new RequestFailedError("invalid", "ValidationException", "Resources contain an invalid ARN");
    });
    const report = await deliverEntries(entries(40), bench.publisher, { ...options, maxConcurrency: 1 });
    expect(kinds(report)).toEqual({ failed: 40 });
    // 10 entries halved four times reach a single entry; nothing is sent after that.
    expect(bench.calls.map((call) => call.entries.length)).toEqual([10, 5, 3, 2, 1]);
    for (const outcome of report.outcomes.values())
      expect(outcome).toMatchObject({ code: "ValidationException" });
  });

  it("stops sending after a systemic error and reports every entry failed", async () => {
    const bench = scriptedPublisher(() => {
      throw new RequestFailedError("systemic", "ResourceNotFoundException", "bus not found");
    });
    const report = await deliverEntries(entries(100), bench.publisher, { ...options, maxConcurrency: 1 });
    expect(bench.calls).toHaveLength(1);
    expect(kinds(report)).toEqual({ failed: 100 });
  });

  it("keeps at most MAX_CONCURRENCY requests in flight", async () => {
    const bench = scriptedPublisher((sent) => sent.map(ok), { delayMs: 5 });
    await deliverEntries(entries(200), bench.publisher, { ...options, maxConcurrency: 3 });
    expect(bench.maxInFlight).toBe(3);
  });

  it("sends several requests at once when allowed", async () => {
    const bench = scriptedPublisher((sent) => sent.map(ok), { delayMs: 5 });
    await deliverEntries(entries(200), bench.publisher, { ...options, maxConcurrency: 16 });
    expect(bench.maxInFlight).toBe(16);
  });

  it("lowers concurrency while EventBridge throttles", async () => {
    const bench = scriptedPublisher((sent) => sent.map(() => error("ThrottlingException")), { delayMs: 2 });
    const report = await deliverEntries(entries(300), bench.publisher, {
      ...options,
      maxConcurrency: 16,
      retriesMax: 0,
    });
    expect(kinds(report)).toEqual({ failed: 300 });
    expect(bench.calls).toHaveLength(30);
    expect(bench.inFlightAtStart.slice(0, 16)).toEqual(Array.from({ length: 16 }, (_, index) => index + 1));
    // After the first wave was throttled the limit has collapsed: later requests go out nearly alone.
    expect(Math.max(...bench.inFlightAtStart.slice(20))).toBeLessThanOrEqual(2);
  });

  it("keeps what a delivery learnt of load-independent throttling for the container's next one", async () => {
    // 30 % of the entries throttled at random, whatever the load.
    const randomlyThrottled = () => {
      const random = seededRandom(7);
      return scriptedPublisher(
        (sent) => sent.map(() => (random() < 0.3 ? error("ThrottlingException") : ok())),
        { delayMs: 2 },
      );
    };
    const throttleMemory = new ThrottleMemory();
    const deliver = (publisher: Publisher, memory: ThrottleMemory) =>
      deliverEntries(entries(800), publisher, { ...options, maxConcurrency: 16, throttleMemory: memory });
    const first = randomlyThrottled();
    await deliver(first.publisher, throttleMemory);
    const next = randomlyThrottled();
    await deliver(next.publisher, throttleMemory);
    const afresh = randomlyThrottled();
    await deliver(afresh.publisher, new ThrottleMemory());
    // The first delivery probed (cut the limit and found the share unchanged), and remembered the share.
    const lowest = (bench: ReturnType<typeof randomlyThrottled>) =>
      Math.min(...bench.inFlightAtStart.slice(16, 80));
    expect(lowest(first)).toBeLessThan(16);
    expect(throttleMemory.tolerated).toBeGreaterThan(0.2);
    expect(throttleMemory.tolerated).toBeLessThan(0.4);
    // The next one kept 16 in flight; one with a memory of its own probed again.
    expect(lowest(next)).toBe(16);
    expect(lowest(afresh)).toBeLessThan(16);
  });

  it("starts nothing when the deadline is reached and reports the entries failed", async () => {
    const bench = scriptedPublisher((sent) => sent.map(ok));
    const report = await deliverEntries(entries(20), bench.publisher, {
      ...options,
      deadline: { remainingMs: () => 0 },
    });
    expect(bench.calls).toHaveLength(0);
    expect(kinds(report)).toEqual({ failed: 20 });
    expect([...report.outcomes.values()][0]).toMatchObject({ code: "DeadlineExceeded" });
  });

  it("does not wait for a retry that would end after the deadline", async () => {
    let remaining = 60_000;
    const bench = scriptedPublisher((sent) => {
      remaining = 5;
      return sent.map(() => error("ThrottlingException"));
    });
    const report = await deliverEntries(entries(10), bench.publisher, {
      ...options,
      retryDelayMs: 1_000,
      random: () => 0.99,
      deadline: { remainingMs: () => remaining },
    });
    expect(bench.calls).toHaveLength(1);
    expect(
      [...report.outcomes.values()].every(
        (outcome) => outcome.kind === "failed" && outcome.code === "DeadlineExceeded",
      ),
    ).toBe(true);
  });

  it("treats a missing result for an entry as retryable, not as delivered", async () => {
    const bench = scriptedPublisher((sent, call) => (call === 0 ? sent.slice(0, 5).map(ok) : sent.map(ok)));
    const report = await deliverEntries(entries(10), bench.publisher, options);
    expect(bench.calls[1]?.entries.map(offsetOf)).toEqual([5, 6, 7, 8, 9]);
    expect(kinds(report)).toEqual({ delivered: 10 });
  });

  it("aborts the requests still in flight at the deadline through one signal that allows a listener per request", async () => {
    const signals = new Set<AbortSignal>();
    const end = Date.now() + 100;
    const publisher: Publisher = {
      publish: (_entries, signal) =>
        new Promise((_resolve, reject) => {
          signals.add(signal);
          signal.addEventListener(
            "abort",
            () => reject(new RequestFailedError("retryable", "AbortError", "aborted at the deadline")),
            { once: true },
          );
        }),
    };
    const report = await deliverEntries(entries(320), publisher, {
      ...options,
      maxConcurrency: 32,
      deadline: { remainingMs: () => end - Date.now() },
    });
    expect(kinds(report)).toEqual({ failed: 320 });
    const [signal] = [...signals];
    expect(signals.size).toBe(1);
    // Node.js before 24 warns of a leak beyond its default of 10 listeners.
    expect(getMaxListeners(signal as AbortSignal)).toBeGreaterThanOrEqual(32);
  });
});
