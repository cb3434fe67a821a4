import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { KafkaEvent } from "../../lambda/core/kafka-event";
import type { LambdaHandler } from "../../tooling/local-esm/invocation";
import { type Bench, createBench, drainQueue } from "./aws-fixtures";
import {
  account,
  DETAIL_FIELDS,
  type DeliveredEvent,
  handlerEnv,
  missingAndDuplicates,
  watchQueues,
} from "./chain";
import { createTopics, produce } from "./kafka-fixtures";
import { loadHandler } from "./load-handler";
import { runUntilCommitted } from "./run-until-committed";

const bootstrap = inject("kafkaBootstrap");
const moto = inject("motoEndpoint");

describe("Kafka → local ESM → handler → EventBridge (moto) → SQS", () => {
  const id = randomUUID().slice(0, 8);
  const connectorId = `chain-${id}`;
  let bench: Bench;
  let handler: LambdaHandler;

  beforeAll(async () => {
    bench = await createBench(moto, `chain-${id}`, connectorId);
    handler = await loadHandler(
      handlerEnv(bench, connectorId, moto, moto, {
        VALUE_FORMAT: `json,logs-${id}:string,blobs-${id}:base64`,
      }),
    );
  });
  afterAll(() => bench.sqs.destroy());

  it("delivers connector-compatible events, dead-letters poison, and the README rule matches exactly the order events", async () => {
    const [orders, logs, blobs] = [`orders-${id}`, `logs-${id}`, `blobs-${id}`];
    await createTopics(bootstrap, [orders], 2);
    await createTopics(bootstrap, [logs, blobs], 1);
    const ts = 1_700_000_000_000n;
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    const headers = new Map<Buffer, Buffer>([
      [Buffer.from("trace"), Buffer.from("ünïcødé ✓")],
      [Buffer.from("trace"), Buffer.from("again")],
      [Buffer.from("raw"), Buffer.from([0xff, 0xfe])],
    ]);
    await produce(bootstrap, [
      {
        topic: orders,
        partition: 0,
        timestamp: ts,
        key: Buffer.from("order-1"),
        value: json({ orderItems: ["item-1", "item-2"], orderCreatedTime: "Tue May 23 13:38:46 CEST 2023" }),
      },
      {
        topic: orders,
        partition: 0,
        timestamp: ts,
        key: Buffer.from("order-2"),
        value: json({ note: "no items" }),
      },
      {
        topic: orders,
        partition: 0,
        timestamp: ts,
        key: Buffer.from("order-5"),
        value: json({ orderItems: ["a"] }),
        headers,
      },
      {
        topic: orders,
        partition: 1,
        timestamp: ts,
        key: Buffer.from("customer-1"),
        value: json({ orderItems: ["x"] }),
      },
      { topic: orders, partition: 1, timestamp: ts, key: Buffer.from("order-3") },
      {
        topic: orders,
        partition: 1,
        timestamp: ts,
        key: Buffer.from("order-4"),
        value: Buffer.from("{not json"),
      },
      { topic: logs, timestamp: ts, value: Buffer.from("plain text ✓") },
      { topic: blobs, timestamp: ts, key: Buffer.from("b"), value: Buffer.from([0, 1, 2, 255]) },
    ]);
    await runUntilCommitted(handler, [
      { topic: orders, partitions: 2, end: [3, 3] },
      { topic: logs, partitions: 1, end: [1] },
      { topic: blobs, partitions: 1, end: [1] },
    ]);

    const all = await drainQueue<DeliveredEvent>(bench.sqs, bench.catchAllQueueUrl, { expected: 7 });
    const readme = await drainQueue<DeliveredEvent>(bench.sqs, bench.readmeQueueUrl, { expected: 2 });
    const dlq = await drainQueue<Record<string, unknown>>(bench.sqs, bench.dlqUrl, { expected: 1 });
    const detail = (topic: string, partition: number, offset: number, rest: Record<string, unknown>) => ({
      topic,
      partition,
      offset,
      timestamp: Number(ts),
      timestampType: "CreateTime",
      headers: [],
      ...rest,
    });
    const byCoordinates = (events: DeliveredEvent[]) =>
      [...events].sort((a, b) =>
        `${a.detail.topic}-${a.detail.partition}-${a.detail.offset}`.localeCompare(
          `${b.detail.topic}-${b.detail.partition}-${b.detail.offset}`,
        ),
      );
    expect(byCoordinates(all).map((e) => e.detail)).toEqual([
      detail(blobs, 0, 0, { key: "b", value: "AAEC/w==" }),
      detail(logs, 0, 0, { key: null, value: "plain text ✓" }),
      detail(orders, 0, 0, {
        key: "order-1",
        value: { orderItems: ["item-1", "item-2"], orderCreatedTime: "Tue May 23 13:38:46 CEST 2023" },
      }),
      detail(orders, 0, 1, { key: "order-2", value: { note: "no items" } }),
      detail(orders, 0, 2, {
        key: "order-5",
        headers: [
          { trace: "ünïcødé ✓" },
          { trace: "again" },
          { raw: Buffer.from([0xff, 0xfe]).toString("base64") },
        ],
        value: { orderItems: ["a"] },
      }),
      detail(orders, 1, 0, { key: "customer-1", value: { orderItems: ["x"] } }),
      detail(orders, 1, 1, { key: "order-3", value: null }),
    ]);
    for (const event of all) {
      expect(event.source).toBe(`kafka-connect.${connectorId}`);
      expect(event["detail-type"]).toBe(`kafka-connect-${event.detail.topic}`);
      expect(event.resources).toEqual([]);
      expect(Object.keys(event.detail)).toEqual(DETAIL_FIELDS);
    }
    expect(byCoordinates(readme).map((e) => e.detail.key)).toEqual(["order-1", "order-5"]);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]).toMatchObject({
      topic: orders,
      partition: 1,
      offset: 2,
      key: Buffer.from("order-4").toString("base64"),
      value: Buffer.from("{not json").toString("base64"),
      errorCode: "InvalidJson",
    });
  });

  it("accounts for every record across topics and partitions, poison included", async () => {
    const topics = [`multi-a-${id}`, `multi-b-${id}`];
    await createTopics(bootstrap, topics, 4);
    const messages = topics.flatMap((topic) =>
      Array.from({ length: 200 }, (_, i) => ({
        topic,
        partition: i % 4,
        key: Buffer.from(`order-${i}`),
        value: Buffer.from(i % 37 === 0 ? `poison ${i}` : JSON.stringify({ i, orderItems: [String(i)] })),
      })),
    );
    await produce(bootstrap, messages);
    const drainer = watchQueues(bench);
    await runUntilCommitted(
      handler,
      topics.map((topic) => ({ topic, partitions: 4, end: [50, 50, 50, 50] })),
      { batchSize: 100, batchingWindowMs: 100 },
    );
    const expected = topics.flatMap((t) =>
      [0, 1, 2, 3].flatMap((p) => [...Array(50).keys()].map((o) => `${t}-${p}:${o}`)),
    );
    const poison = messages.filter((m) => m.value.toString().startsWith("poison")).length;
    const accounting = await account(bench, drainer);
    const { missing, duplicates } = missingAndDuplicates(accounting, expected);
    expect(missing).toEqual([]);
    expect(accounting.deadLettered.size).toBe(poison);
    console.log(`multi-topic: ${expected.length} records, ${poison} dead-lettered, ${duplicates} duplicates`);
  });

  it("delivers a batch near the 6 MB invocation cap", async () => {
    const topic = `large-${id}`;
    await createTopics(bootstrap, [topic], 1);
    const pad = "x".repeat(100 * 1024);
    await produce(
      bootstrap,
      Array.from({ length: 60 }, (_, i) => ({
        topic,
        key: Buffer.from(`k${i}`),
        value: Buffer.from(JSON.stringify({ i, pad })),
      })),
    );
    const drainer = watchQueues(bench);
    const sizes: number[] = [];
    const measuring: LambdaHandler = async (event: KafkaEvent, context) => {
      sizes.push(Buffer.byteLength(JSON.stringify(event)));
      return handler(event, context);
    };
    await runUntilCommitted(measuring, [{ topic, partitions: 1, end: [60] }], {
      batchSize: 10_000,
      batchingWindowMs: 3_000,
    });
    expect(Math.max(...sizes)).toBeGreaterThan(5 * 1024 * 1024);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6 * 1024 * 1024);
    const accounting = await account(bench, drainer);
    const { missing } = missingAndDuplicates(
      accounting,
      [...Array(60).keys()].map((o) => `${topic}-0:${o}`),
    );
    expect(missing).toEqual([]);
    expect(accounting.deadLettered.size).toBe(0);
  });
});
