import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Consumer } from "@platformatic/kafka";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { KafkaEvent, KafkaRecord } from "../../lambda/core/kafka-event";
import { DEPLOYED_DEFAULTS } from "../../tooling/local-esm/deployed-defaults";
import type { LambdaHandler } from "../../tooling/local-esm/invocation";
import {
  type InvocationSummary,
  type LocalEsmOptions,
  LocalEventSourceMapping,
} from "../../tooling/local-esm/local-esm";
import { type Bench, createBench, drainQueue } from "./aws-fixtures";
import { committedOffsets, createTopics, produce, waitFor } from "./kafka-fixtures";
import { loadHandler } from "./load-handler";
import { runScript } from "./run-script";

const bootstrap = inject("kafkaBootstrap");
const moto = inject("motoEndpoint");
const silent = () => {};
const utf8 = (bytes: readonly number[]) =>
  Buffer.from(Uint8Array.from(bytes, (b) => b & 0xff)).toString("utf8");

interface Invocation {
  event: KafkaEvent;
  remainingAtStart: number;
  bytes: number;
}

function recorder(answer?: (event: KafkaEvent, call: number) => unknown): {
  handler: LambdaHandler;
  calls: Invocation[];
} {
  const calls: Invocation[] = [];
  const handler: LambdaHandler = async (event: KafkaEvent, context: Context) => {
    calls.push({
      event,
      remainingAtStart: context.getRemainingTimeInMillis(),
      bytes: Buffer.byteLength(JSON.stringify(event)),
    });
    return answer ? answer(event, calls.length) : undefined;
  };
  return { handler, calls };
}

const recordsOf = (calls: readonly Invocation[]): KafkaRecord[] =>
  calls.flatMap((c) => Object.values(c.event.records).flat());

/**
 * Runs a local ESM on the test broker, in a fresh consumer group unless `partial` names one, until the
 * committed offsets reach `ends` (`<topic>-<partition>`: offset).
 */
async function runUntilCommitted(
  partial: Omit<LocalEsmOptions, "brokers"> & { readonly brokers?: readonly string[] },
  ends: Record<string, number>,
  timeoutMs = 60_000,
): Promise<LocalEventSourceMapping> {
  const options = { log: silent, brokers: [bootstrap], ...partial, groupId: partial.groupId ?? randomUUID() };
  const esm = new LocalEventSourceMapping(options);
  await esm.start();
  const topics = [...new Set(Object.keys(ends).map((k) => k.replace(/-\d+$/, "")))];
  const partitions = Math.max(...Object.keys(ends).map((k) => Number(k.split("-").pop()))) + 1;
  const done = await waitFor(
    async () => {
      const committed = await committedOffsets(
        bootstrap,
        options.groupId,
        topics.map((topic) => ({ topic, partitions })),
      );
      return Object.entries(ends).every(([k, end]) => committed.get(k) === BigInt(end));
    },
    timeoutMs,
    300,
  );
  await esm.stop();
  expect(done, `committed offsets reached ${JSON.stringify(ends)}`).toBe(true);
  return esm;
}

describe("local event source mapping", () => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await createBench(moto, `esm-${randomUUID().slice(0, 8)}`, "esm");
  });
  afterAll(() => bench.sqs.destroy());

  it("builds invocations like Lambda's Kafka ESM: keys, base64, signed-byte headers, tombstones, MSK shape", async () => {
    const topic = `shape-${randomUUID().slice(0, 8)}`;
    await createTopics(bootstrap, [topic], 2);
    const headers = new Map<Buffer, Buffer>([
      [Buffer.from("trace"), Buffer.from("änd→✓", "utf8")],
      [Buffer.from("trace"), Buffer.from("second")],
      [Buffer.from("bin"), Buffer.from([0xff, 0x80, 0x00, 0x7f])],
    ]);
    await produce(bootstrap, [
      {
        topic,
        partition: 0,
        key: Buffer.from("order-1"),
        value: Buffer.from('{"a":1}'),
        headers,
        timestamp: 1700000000000n,
      },
      { topic, partition: 0, key: Buffer.from("order-2") },
      { topic, partition: 1, value: Buffer.from([0, 1, 2, 250]) },
    ]);
    const clusterArn = "arn:aws:kafka:eu-west-1:111122223333:cluster/local/abc-1";
    const { handler, calls } = recorder();
    await runUntilCommitted(
      {
        topics: [topic],
        handler,
        clusterArn,
        timeoutMs: 30_000,
      },
      { [`${topic}-0`]: 2, [`${topic}-1`]: 1 },
    );
    const event = calls[0]?.event as KafkaEvent;
    expect(event.eventSource).toBe("aws:kafka");
    expect(event.eventSourceArn).toBe(clusterArn);
    expect(event.bootstrapServers).toBe(bootstrap);
    const records = recordsOf(calls);
    expect(records).toHaveLength(3);
    const pick = (partition: number, offset: number) =>
      records.find((r) => r.partition === partition && r.offset === offset) as KafkaRecord;
    const [first, tombstone, binary] = [pick(0, 0), pick(0, 1), pick(1, 0)];
    expect(first).toMatchObject({
      topic,
      partition: 0,
      offset: 0,
      timestamp: 1700000000000,
      timestampType: "CREATE_TIME",
      key: Buffer.from("order-1").toString("base64"),
      value: Buffer.from('{"a":1}').toString("base64"),
    });
    expect(first.headers?.map((h) => Object.keys(h)[0])).toEqual(["trace", "trace", "bin"]);
    expect(utf8(first.headers?.[0]?.trace as number[])).toBe("änd→✓");
    expect(first.headers?.[2]?.bin).toEqual([-1, -128, 0, 127]);
    expect(tombstone.value).toBeNull();
    expect(binary.key).toBeNull();
    expect(Buffer.from(binary.value as string, "base64")).toEqual(Buffer.from([0, 1, 2, 250]));
    for (const call of calls) {
      for (const [k, list] of Object.entries(call.event.records)) {
        for (const r of list) expect(k).toBe(`${r.topic}-${r.partition}`);
      }
      expect(call.remainingAtStart).toBeGreaterThan(25_000);
      expect(call.remainingAtStart).toBeLessThanOrEqual(30_000);
    }
  });

  it("uses the self-managed shape and the broker's time on a LogAppendTime topic", async () => {
    const topic = `logappend-${randomUUID().slice(0, 8)}`;
    await createTopics(bootstrap, [topic], 1, [{ name: "message.timestamp.type", value: "LogAppendTime" }]);
    const before = Date.now();
    await produce(bootstrap, [{ topic, value: Buffer.from("x"), timestamp: 1000n }]);
    const { handler, calls } = recorder();
    await runUntilCommitted({ topics: [topic], handler }, { [`${topic}-0`]: 1 });
    const event = calls[0]?.event as KafkaEvent;
    expect(event.eventSource).toBe("SelfManagedKafka");
    expect(event.eventSourceArn).toBeUndefined();
    const [record] = recordsOf(calls);
    expect(record?.timestampType).toBe("LOG_APPEND_TIME");
    expect(record?.timestamp).toBeGreaterThanOrEqual(before - 1000);
  });

  it("cuts batches at the batch size and keeps each partition in offset order", async () => {
    const topic = `batch-${randomUUID().slice(0, 8)}`;
    await createTopics(bootstrap, [topic], 3);
    await produce(
      bootstrap,
      Array.from({ length: 450 }, (_, i) => ({ topic, partition: i % 3, value: Buffer.from(String(i)) })),
    );
    const { handler, calls } = recorder();
    await runUntilCommitted(
      {
        topics: [topic],
        handler,
        batchSize: 100,
        batchingWindowMs: 200,
      },
      { [`${topic}-0`]: 150, [`${topic}-1`]: 150, [`${topic}-2`]: 150 },
    );
    for (const call of calls) expect(recordsOf([call]).length).toBeLessThanOrEqual(100);
    const seen = recordsOf(calls);
    expect(seen).toHaveLength(450);
    for (let p = 0; p < 3; p++) {
      const offsets = seen.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets).toEqual([...Array(150).keys()]);
    }
  });

  it("honours batchItemFailures: commits below the lowest failed offset and redelivers from it", async () => {
    const topic = `partial-${randomUUID().slice(0, 8)}`;
    await createTopics(bootstrap, [topic], 2);
    await produce(
      bootstrap,
      Array.from({ length: 40 }, (_, i) => ({ topic, partition: i % 2, value: Buffer.from(String(i)) })),
    );
    const failOnce = new Set([`${topic}-0:7`, `${topic}-1:3`, `${topic}-1:12`]);
    const { handler, calls } = recorder((event) => {
      const failures = [];
      for (const [k, list] of Object.entries(event.records)) {
        const bad = list.find((r) => failOnce.has(`${k}:${r.offset}`));
        if (bad) {
          failOnce.delete(`${k}:${bad.offset}`);
          failures.push({ itemIdentifier: { partition: k, offset: bad.offset } });
        }
      }
      return { batchItemFailures: failures };
    });
    const esm = await runUntilCommitted(
      {
        topics: [topic],
        handler,
        reportBatchItemFailures: true,
        retryDelayMs: 10,
      },
      { [`${topic}-0`]: 20, [`${topic}-1`]: 20 },
    );
    const deliveries = recordsOf(calls);
    const count = (p: number, o: number) =>
      deliveries.filter((r) => r.partition === p && r.offset === o).length;
    expect(count(0, 7)).toBe(2);
    expect(count(0, 6)).toBe(1);
    expect(count(1, 3)).toBe(2);
    expect(count(1, 2)).toBe(1);
    expect(count(1, 12)).toBeGreaterThanOrEqual(2);
    expect(esm.stats.retries).toBeGreaterThanOrEqual(3);
    expect(esm.stats.recordsToDestination).toBe(0);
  });

  it("sends a batch that exhausts its retries to an SQS on-failure destination, then commits past it", async () => {
    const topic = `exhaust-${randomUUID().slice(0, 8)}`;
    await createTopics(bootstrap, [topic], 1);
    await produce(
      bootstrap,
      Array.from({ length: 5 }, (_, i) => ({ topic, value: Buffer.from(String(i)) })),
    );
    const { handler, calls } = recorder(() => {
      throw new Error("always failing");
    });
    const esm = await runUntilCommitted(
      {
        topics: [topic],
        handler,
        maximumRetryAttempts: 2,
        onFailure: bench.onFailureQueueUrl,
        sqsEndpoint: moto,
        retryDelayMs: 10,
      },
      { [`${topic}-0`]: 5 },
    );
    expect(calls).toHaveLength(3);
    expect(esm.stats.recordsToDestination).toBe(5);
    const [record] = await drainQueue(bench.sqs, bench.onFailureQueueUrl, { expected: 1 });
    expect(record).toMatchObject({
      requestContext: { condition: "RetryAttemptsExhausted", approximateInvokeCount: 3 },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      KafkaBatchInfo: {
        batchSize: 5,
        bootstrapServers: bootstrap,
        recordsInfo: { [`${topic}-0`]: { firstRecordOffset: "0", lastRecordOffset: "4" } },
      },
    });
  });

  it("sends each exhausted record with its payload and key to a Kafka-topic on-failure destination", async () => {
    const topic = `exhaust-k-${randomUUID().slice(0, 8)}`;
    const dlt = `${topic}-dlt`;
    await createTopics(bootstrap, [topic, dlt], 1);
    await produce(bootstrap, [
      { topic, key: Buffer.from("k1"), value: Buffer.from("poison") },
      { topic, key: Buffer.from("k2"), value: Buffer.from("fine") },
    ]);
    const { handler } = recorder((event) => ({
      batchItemFailures: Object.entries(event.records).flatMap(([k, list]) =>
        list
          .filter((r) => r.value === Buffer.from("poison").toString("base64"))
          .map((r) => ({ itemIdentifier: { partition: k, offset: r.offset } })),
      ),
    }));
    await runUntilCommitted(
      {
        topics: [topic],
        handler,
        reportBatchItemFailures: true,
        maximumRetryAttempts: 1,
        onFailure: `kafka://${dlt}`,
        retryDelayMs: 10,
      },
      { [`${topic}-0`]: 2 },
    );
    const consumer = new Consumer({ clientId: "e2e", groupId: randomUUID(), bootstrapBrokers: [bootstrap] });
    const stream = await consumer.consume({ topics: [dlt], mode: "earliest", autocommit: false });
    const messages: { key: Buffer; value: Buffer }[] = [];
    for await (const m of stream) {
      messages.push(m);
      if (messages.length === 2) break;
    }
    await stream.close();
    await consumer.close();
    expect(messages.map((m) => m.key.toString())).toEqual(["k1", "k2"]);
    const first = JSON.parse((messages[0] as { value: Buffer }).value.toString()) as Record<string, unknown>;
    expect(first).toMatchObject({
      requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 2 },
      KafkaBatchInfo: { batchSize: 1, recordInfo: { offset: "0" } },
      payload: {
        eventSource: "SelfManagedKafka",
        records: { [`${topic}-0`]: [{ offset: 0, value: Buffer.from("poison").toString("base64") }] },
      },
    });
  });

  it("keeps every invocation under the 6 MB payload cap", async () => {
    const topic = `big-${randomUUID().slice(0, 8)}`;
    await createTopics(bootstrap, [topic], 1);
    const value = Buffer.alloc(700 * 1024, 7);
    await produce(
      bootstrap,
      Array.from({ length: 20 }, () => ({ topic, value })),
    );
    const { handler, calls } = recorder();
    await runUntilCommitted(
      {
        topics: [topic],
        handler,
        batchSize: 10_000,
        batchingWindowMs: 2_000,
      },
      { [`${topic}-0`]: 20 },
    );
    expect(recordsOf(calls)).toHaveLength(20);
    for (const call of calls) expect(call.bytes).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(Math.max(...calls.map((c) => c.bytes))).toBeGreaterThan(5 * 1024 * 1024);
  });

  it("loses nothing when stopped, crashed and restarted mid-stream", async () => {
    const topic = `restart-${randomUUID().slice(0, 8)}`;
    const groupId = randomUUID();
    await createTopics(bootstrap, [topic], 3);
    await produce(
      bootstrap,
      Array.from({ length: 600 }, (_, i) => ({ topic, partition: i % 3, value: Buffer.from(String(i)) })),
    );
    const { handler, calls } = recorder(async () => {
      await new Promise((r) => setTimeout(r, 20));
    });
    const options = { brokers: [bootstrap], topics: [topic], handler, groupId, batchSize: 25, log: silent };
    const first = new LocalEventSourceMapping(options);
    await first.start();
    await waitFor(() => calls.length >= 4, 30_000, 20);
    await first.stop();
    const second = new LocalEventSourceMapping(options);
    await second.start();
    await waitFor(() => calls.length >= 10, 30_000, 20);
    await second.abort();
    await runUntilCommitted(options, { [`${topic}-0`]: 200, [`${topic}-1`]: 200, [`${topic}-2`]: 200 });
    const seen = new Set(recordsOf(calls).map((r) => `${r.partition}:${r.offset}`));
    expect(seen.size).toBe(600);
  });
});

describe("local-esm with the CDK app's defaults", () => {
  let bench: Bench;
  const dir = mkdtempSync(join(tmpdir(), "local-esm-"));
  beforeAll(async () => {
    bench = await createBench(moto, `defaults-${randomUUID().slice(0, 8)}`, "defaults", {
      readmeRule: false,
    });
  });
  afterAll(() => bench.sqs.destroy());

  it("does not retry a non-JSON record forever: finite retries, then the on-failure file, and offsets move on", async () => {
    const topic = `poison-${randomUUID().slice(0, 8)}`;
    await createTopics(bootstrap, [topic], 1);
    const values = ['{"n":0}', '{"n":1}', "not json", '{"n":3}', '{"n":4}'];
    await produce(
      bootstrap,
      values.map((value) => ({ topic, value: Buffer.from(value) })),
    );
    // The real handler without a dead-letter queue: the poison record is reported failed every time.
    const handler = await loadHandler({
      CONNECTOR_ID: "defaults",
      EVENT_BUS_ARN: bench.busArn,
      EVENTBRIDGE_ENDPOINT_URL: moto,
      PARTIAL_BATCH_RESPONSE: "true",
    });
    const file = join(dir, "on-failure.jsonl");
    const summaries: InvocationSummary[] = [];
    const esm = await runUntilCommitted(
      {
        topics: [topic],
        handler,
        reportBatchItemFailures: DEPLOYED_DEFAULTS.reportBatchItemFailures,
        maximumRetryAttempts: DEPLOYED_DEFAULTS.maximumRetryAttempts,
        onFailure: `file:${file}`,
        startingPosition: "TRIM_HORIZON",
        retryDelayMs: 5,
        onInvocation: (summary) => summaries.push(summary),
      },
      { [`${topic}-0`]: 5 },
    );
    expect(esm.stats.invocations).toBe(DEPLOYED_DEFAULTS.maximumRetryAttempts + 1);
    expect(summaries[0]).toMatchObject({
      records: 5,
      succeeded: 2,
      failed: 3,
      committed: { [`${topic}-0`]: "2" },
    });
    expect(summaries.at(-1)).toMatchObject({
      failed: 3,
      toDestination: 3,
      committed: { [`${topic}-0`]: "5" },
    });
    const kept = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { payload: KafkaEvent; requestContext: { condition: string } });
    expect(kept.map((k) => Object.values(k.payload.records).flat()[0]?.offset)).toEqual([2, 3, 4]);
    expect(kept[0]?.requestContext.condition).toBe("RetriesExhausted");
    expect(
      Buffer.from(Object.values(kept[0]?.payload.records ?? {}).flat()[0]?.value ?? "", "base64").toString(),
    ).toBe("not json");
  });

  it("the CLI's dry run prints its configuration and a progress line per invocation; --quiet hides the handler's logs", async () => {
    const topic = `cli-${randomUUID().slice(0, 8)}`;
    await createTopics(bootstrap, [topic], 1);
    const lines = join(dir, "values.txt");
    writeFileSync(lines, ['{"n":0}', '{"n":1}', "not json", '{"n":3}', '{"n":4}'].join("\n"));
    const producer = runScript("scripts/produce.ts", [
      ...["--brokers", bootstrap, "--topic", topic, "--lines", lines],
      ...["--key", "order-{n}", "--header", "trace=t-1", "--partition", "0"],
    ]);
    expect(await producer.exited, producer.output.stderr).toBe(0);
    expect(producer.output.stdout).toBe(`produced 5 record(s) to ${topic} (partition 0 offset 0)\n`);
    const deadLetterPath = join(dir, "dead-letters.jsonl");
    const run = runScript(
      "scripts/local-esm.ts",
      [
        "--dry-run",
        "--quiet",
        ...["--brokers", bootstrap, "--topics", topic, "--starting-position", "TRIM_HORIZON"],
        ...["--group-id", randomUUID(), "--batching-window-ms", "200", "--dead-letter-file", deadLetterPath],
      ],
      { LOG_LEVEL: "INFO", CONNECTOR_ID: "cli" },
    );
    const progressed = await waitFor(() => /committed \S+-0@5/.test(run.output.stderr), 60_000);
    run.child.kill("SIGINT");
    const code = await run.exited;
    expect(progressed, run.output.stderr).toBe(true);
    expect(code).toBe(0);
    const err = run.output.stderr;
    expect(err).toMatch(/^Dry run: PutEvents and SQS go to http:\/\/127\.0\.0\.1:\d+/);
    expect(err).toMatch(/Mapping: brokers .*partial batch response true, retry attempts 10/);
    expect(err).toMatch(/CONNECTOR_ID +cli/);
    expect(err).toMatch(
      new RegExp(
        `#1 ${topic}-0: 5 records -> 4 delivered, 1 dead-lettered, 0 failed; committed ${topic}-0@5 \\(\\d+ ms\\)`,
      ),
    );
    expect(err).toMatch(/stopped after 1 invocations: 5 records handled/);
    // --quiet: none of the handler's JSON log lines (LOG_LEVEL=INFO logs "batch processed"), no metrics lines.
    expect(`${run.output.stdout}${err}`).not.toMatch(/"level"|"_aws"/);
    const [deadLetter] = readFileSync(deadLetterPath, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(deadLetter).toMatchObject({
      topic,
      partition: 0,
      offset: 2,
      errorCode: "InvalidJson",
      key: Buffer.from("order-2").toString("base64"),
      headers: [{ trace: Buffer.from("t-1").toString("base64") }],
    });
  });

  it("the CLI names the broker and the cause when it cannot connect", async () => {
    const run = runScript("scripts/local-esm.ts", ["--dry-run", "--brokers", "127.0.0.1:1", "--topics", "t"]);
    expect(await run.exited).toBe(1);
    const lines = run.output.stderr.trim().split("\n");
    expect(lines.at(-1)).toBe(
      "local-esm: cannot reach Kafka through 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1",
    );
    expect(run.output.stderr).not.toMatch(/\n\s+at /);
  });
});
