import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type Config, loadConfig } from "../../../lambda/config";
import type { KafkaRecord } from "../../../lambda/core/kafka-event";
import { type EventEntry, mapRecord } from "../../../lambda/core/map-entry";
import type { Deadline } from "../../../lambda/delivery/deadline";
import type { OffloadResult } from "../../../lambda/offload/claim-check-port";
import { offloadStage } from "../../../lambda/offload/offload-stage";
import { claimCheckStoreFromEnv, s3ClaimCheckStore } from "../../../lambda/offload/s3-claim-check-store";
import { kafkaRecord, type RecordSpec } from "../../../tooling/kafka-records";
import { S3_FAULTS, type S3Bench, startS3Bench } from "./s3-bench";

// The stage with the real S3 adapter and SDK over HTTP: moto stores the objects, a proxy in front of
// it answers chosen requests with S3 errors or holds them.

let s3: S3Bench;
let bucket: string;
beforeAll(async () => {
  s3 = await startS3Bench();
}, 180_000);
afterAll(async () => s3?.close());
beforeEach(async () => {
  s3.reset();
  bucket = await s3.createBucket();
});

const BUS = "arn:aws:events:us-east-1:123456789012:event-bus/orders";

function configWith(env: Record<string, string> = {}): Config {
  return loadConfig({ CONNECTOR_ID: "orders-sink", EVENT_BUS_ARN: BUS, OFFLOAD_S3_BUCKET: bucket, ...env });
}

function entriesOf(config: Config, specs: RecordSpec[]): EventEntry[] {
  return specs.map((spec) => {
    const mapped = mapRecord(config, kafkaRecord(spec));
    if (!("entry" in mapped)) throw mapped;
    return mapped;
  });
}

const farDeadline: Deadline = { remainingMs: () => 30_000 };
const deadlineIn = (ms: number): Deadline => {
  const end = Date.now() + ms;
  return { remainingMs: () => end - Date.now() };
};

function run(config: Config, entries: EventEntry[], deadline = farDeadline): Promise<OffloadResult> {
  const { offload } = config;
  if (offload === undefined) throw new Error("offload is off");
  const store = s3ClaimCheckStore({
    bucket: offload.bucket,
    maxSockets: config.maxConcurrency,
    endpoint: s3.url,
    forcePathStyle: true,
    region: "us-east-1",
  });
  return offloadStage({ ...config, offload }, store)(entries, deadline);
}

const detailOf = (entry: EventEntry | undefined) =>
  JSON.parse(entry?.entry.Detail ?? "null") as Record<string, unknown> & { offset: number };
const offsetsOf = (entries: readonly EventEntry[]) => entries.map((entry) => entry.record.offset);
const offloaded = (entries: readonly EventEntry[]) =>
  entries.filter((entry) => entry.entry.Detail.includes('"dataref":')).map((entry) => entry.record.offset);
const outcomeOf = (result: OffloadResult, record: KafkaRecord) =>
  [...result.outcomes].find(([entry]) => entry.record === record)?.[1];

describe("offload stage over S3 (moto)", () => {
  it("offloads at the threshold boundary: just above only, not at it or just below", async () => {
    const probe = entriesOf(configWith(), [
      { offset: 1, value: { blob: "x".repeat(1_000) } },
    ])[0] as EventEntry;
    const config = configWith({ OFFLOAD_THRESHOLD_BYTES: String(probe.size) });
    const entries = entriesOf(config, [
      { offset: 0, value: { blob: "x".repeat(999) } },
      { offset: 1, value: { blob: "x".repeat(1_000) } },
      { offset: 2, value: { blob: "x".repeat(1_001) } },
    ]);
    expect(entries.map((entry) => entry.size - probe.size)).toEqual([-1, 0, 1]);
    const result = await run(config, entries);
    expect(result.outcomes.size).toBe(0);
    expect(offsetsOf(result.entries)).toEqual([0, 1, 2]);
    expect(offloaded(result.entries)).toEqual([2]);
    expect(result.entries.slice(0, 2)).toEqual(entries.slice(0, 2));
    expect(await s3.listKeys(bucket)).toEqual(["orders/0/2"]);
    const object = await s3.getObject(bucket, "orders/0/2");
    expect(object.body.toString()).toBe(JSON.stringify({ blob: "x".repeat(1_001) }));
    expect(object.contentType).toBe("application/json");
  });

  it("offloads every record with a value when the threshold is 0, as the connector does; a tombstone has nothing to move", async () => {
    const config = configWith({ OFFLOAD_THRESHOLD_BYTES: "0", OFFLOAD_S3_PREFIX: "kafka/" });
    const entries = entriesOf(config, [
      { offset: 0, value: { a: 1 } },
      { offset: 1, value: null },
      { offset: 2, value: [1.1, 1234567890123456789n.toString()] },
    ]);
    const result = await run(config, entries);
    expect(offloaded(result.entries)).toEqual([0, 2]);
    expect(detailOf(result.entries[1]).value).toBeNull();
    expect(await s3.listKeys(bucket)).toEqual(["kafka/orders/0/0", "kafka/orders/0/2"]);
    expect(detailOf(result.entries[0])).toMatchObject({
      dataref: `arn:aws:s3:::${bucket}/kafka/orders/0/0`,
      datarefJsonPath: "$.detail.value",
    });
    expect(detailOf(result.entries[0])).not.toHaveProperty("value");
  });

  it("by default offloads only what would not fit MAX_REQUEST_BYTES", async () => {
    const config = configWith({ MAX_REQUEST_BYTES: "4096" });
    const entries = entriesOf(config, [
      { offset: 0, value: { blob: "s".repeat(3_800) } },
      { offset: 1, value: { blob: "b".repeat(5_000) } },
    ]);
    const result = await run(config, entries);
    expect(offloaded(result.entries)).toEqual([1]);
    expect(result.entries.every((entry) => entry.size <= 4096)).toBe(true);
  });

  it("moves only the part at a custom OFFLOAD_JSONPATH, byte for byte", async () => {
    const value = '{"id":1234567890123456789,"total":1.10,"attachment":{"name":"a.pdf","data":"QUJD"}}';
    const config = configWith({
      OFFLOAD_THRESHOLD_BYTES: "0",
      OFFLOAD_JSONPATH: "$.detail.value.attachment",
    });
    const [entry] = entriesOf(config, [{ offset: 5, value }]);
    const result = await run(config, [entry as EventEntry]);
    expect(result.entries[0]?.entry.Detail).toContain(
      `"value":{"id":1234567890123456789,"total":1.10},"dataref":"arn:aws:s3:::${bucket}/orders/0/5","datarefJsonPath":"$.detail.value.attachment"}`,
    );
    expect((await s3.getObject(bucket, "orders/0/5")).body.toString()).toBe('{"name":"a.pdf","data":"QUJD"}');
  });

  it("overwrites the same key when a record is redelivered", async () => {
    const config = configWith({ OFFLOAD_THRESHOLD_BYTES: "0" });
    const first = await run(config, entriesOf(config, [{ partition: 4, offset: 9, value: { v: "first" } }]));
    const again = await run(config, entriesOf(config, [{ partition: 4, offset: 9, value: { v: "again" } }]));
    expect(detailOf(first.entries[0]).dataref).toBe(detailOf(again.entries[0]).dataref);
    expect(await s3.listKeys(bucket)).toEqual(["orders/4/9"]);
    expect((await s3.getObject(bucket, "orders/4/9")).body.toString()).toBe('{"v":"again"}');
  });

  it("keeps entry order in a mixed batch and offloads only the big records", async () => {
    const config = configWith({ OFFLOAD_THRESHOLD_BYTES: "2000", MAX_CONCURRENCY: "3" });
    const specs: RecordSpec[] = Array.from({ length: 12 }, (_, index) => ({
      topic: index % 2 === 0 ? "orders" : "order-events",
      partition: index % 3,
      offset: index,
      value: { blob: (index % 3 === 1 ? "B" : "s").repeat(index % 3 === 1 ? 5_000 : 100) },
    }));
    const entries = entriesOf(config, specs);
    const result = await run(config, entries);
    expect(result.outcomes.size).toBe(0);
    expect(result.entries.map((entry) => entry.record)).toEqual(entries.map((entry) => entry.record));
    expect(offloaded(result.entries)).toEqual([1, 4, 7, 10]);
    for (const [index, entry] of result.entries.entries()) {
      if (index % 3 !== 1) expect(entry).toBe(entries[index]);
    }
    expect(await s3.listKeys(bucket)).toEqual(
      ["order-events/1/1", "order-events/1/7", "orders/1/10", "orders/1/4"].sort(),
    );
    expect(s3.maxInFlight).toBeLessThanOrEqual(3);
  });

  it("stores a string value as text/plain and base64 values as their bytes", async () => {
    const config = configWith({ OFFLOAD_THRESHOLD_BYTES: "0", VALUE_FORMAT: "text:string,bin:base64" });
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]);
    await run(
      config,
      entriesOf(config, [
        { topic: "text", value: "plain words ✓" },
        { topic: "bin", value: bytes },
      ]),
    );
    expect(await s3.getObject(bucket, "text/0/0")).toEqual({
      body: Buffer.from("plain words ✓"),
      contentType: "text/plain; charset=utf-8",
    });
    expect(await s3.getObject(bucket, "bin/0/0")).toEqual({
      body: bytes,
      contentType: "application/octet-stream",
    });
  });

  it("makes an entry that stays too large without the part poison, before uploading anything", async () => {
    const config = configWith({ MAX_REQUEST_BYTES: "4096", OFFLOAD_JSONPATH: "$.detail.value.small" });
    const records = entriesOf(config, [
      { offset: 0, value: { small: 1, big: "x".repeat(5_000) } },
      { offset: 1, value: { big: "x".repeat(5_000) } },
    ]);
    const result = await run(config, records);
    expect(result.entries).toEqual([]);
    for (const entry of records) {
      const outcome = result.outcomes.get(entry);
      expect(outcome?.kind).toBe("poison");
      if (outcome?.kind === "poison") expect(outcome.error.code).toBe("EntryTooLarge");
    }
    expect(s3.seen).toEqual([]);
  });
});

describe("the S3 client from the environment", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("uses S3's own endpoint and the function's region, never the EventBridge endpoint", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_S3", s3.url);
    vi.stubEnv("EVENTBRIDGE_ENDPOINT_URL", "http://127.0.0.1:9/");
    vi.stubEnv("AWS_REGION", "eu-west-3");
    const config = configWith({
      OFFLOAD_THRESHOLD_BYTES: "0",
      EVENT_BUS_ARN: "arn:aws:events:ap-southeast-2:123456789012:event-bus/far",
    });
    const { offload } = config;
    if (offload === undefined) throw new Error("offload is off");
    const stage = offloadStage({ ...config, offload }, claimCheckStoreFromEnv(offload.bucket, 4));
    const result = await stage(entriesOf(config, [{ offset: 2 }]), farDeadline);
    expect(offloaded(result.entries)).toEqual([2]);
    expect(await s3.listKeys(bucket)).toEqual(["orders/0/2"]);
    // Path style on the override, signed for S3 in the function's region (not the bus's).
    expect(s3.seen.map(({ method, path }) => `${method} ${path}`)).toEqual([`PUT /${bucket}/orders/0/2`]);
    expect(s3.seen[0]?.authorization).toMatch(/\/eu-west-3\/s3\/aws4_request/);
  });
});

describe("offload stage when S3 fails: the record is reported failed, never sent without its payload", () => {
  const cases = [
    ["HTTP 500 InternalError on every attempt", S3_FAULTS.internalError, "InternalError"],
    ["HTTP 503 SlowDown on every attempt", S3_FAULTS.slowDown, "SlowDown"],
    ["HTTP 403 AccessDenied", S3_FAULTS.accessDenied, "AccessDenied"],
    ["HTTP 404 NoSuchBucket", S3_FAULTS.noSuchBucket, "NoSuchBucket"],
  ] as const;

  it.each(cases)("%s", async (_, fault, code) => {
    const config = configWith({ OFFLOAD_THRESHOLD_BYTES: "1000" });
    const entries = entriesOf(config, [
      { offset: 0, value: { small: true } },
      { offset: 1, value: { big: "x".repeat(2_000) } },
      { offset: 2, value: { small: true } },
    ]);
    s3.fault = ({ path }) => (path.endsWith("/orders/0/1") ? fault : undefined);
    const result = await run(config, entries);
    expect(offsetsOf(result.entries)).toEqual([0, 2]);
    expect(result.entries).toEqual([entries[0], entries[2]]);
    expect(outcomeOf(result, (entries[1] as EventEntry).record)).toMatchObject({ kind: "failed", code });
    expect(s3.seen.length).toBeGreaterThan(0);
    expect(await s3.listKeys(bucket)).toEqual([]);
  });

  it("recovers when S3 answers 500 once: the SDK's retry stores the object", async () => {
    const config = configWith({ OFFLOAD_THRESHOLD_BYTES: "0" });
    let answered = 0;
    s3.fault = () => (answered++ === 0 ? S3_FAULTS.internalError : undefined);
    const result = await run(config, entriesOf(config, [{ offset: 3, value: { v: 1 } }]));
    expect(offloaded(result.entries)).toEqual([3]);
    expect(s3.seen.map((request) => request.faulted)).toEqual([true, false]);
  });

  it("stops uploading after access is denied: the rest are reported failed without being tried", async () => {
    const config = configWith({ OFFLOAD_THRESHOLD_BYTES: "0", MAX_CONCURRENCY: "1" });
    s3.fault = () => S3_FAULTS.accessDenied;
    const entries = entriesOf(
      config,
      [0, 1, 2, 3].map((offset) => ({ offset })),
    );
    const result = await run(config, entries);
    expect(result.entries).toEqual([]);
    expect([...result.outcomes.values()].map((outcome) => outcome.kind)).toEqual([
      "failed",
      "failed",
      "failed",
      "failed",
    ]);
    expect(s3.seen).toHaveLength(1);
  });

  it("aborts an upload S3 never answers at the deadline, and reports it failed", async () => {
    const config = configWith({ OFFLOAD_THRESHOLD_BYTES: "1000" });
    s3.fault = ({ method }) => (method === "PUT" ? S3_FAULTS.hang : undefined);
    const entries = entriesOf(config, [
      { offset: 0, value: { big: "x".repeat(2_000) } },
      { offset: 1, value: { small: true } },
    ]);
    const started = Date.now();
    const result = await run(config, entries, deadlineIn(800));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.entries).toEqual([entries[1]]);
    expect(outcomeOf(result, (entries[0] as EventEntry).record)).toMatchObject({
      kind: "failed",
      code: "DeadlineExceeded",
    });
  });

  it("starts no upload once the deadline has come", async () => {
    const config = configWith({ OFFLOAD_THRESHOLD_BYTES: "0" });
    const entries = entriesOf(config, [{ offset: 0 }, { offset: 1 }]);
    const result = await run(config, entries, { remainingMs: () => 0 });
    expect(result.entries).toEqual([]);
    expect([...result.outcomes.values()]).toEqual([
      expect.objectContaining({ kind: "failed", code: "DeadlineExceeded" }),
      expect.objectContaining({ kind: "failed", code: "DeadlineExceeded" }),
    ]);
    expect(s3.seen).toEqual([]);
  });
});
