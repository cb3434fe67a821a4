import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Config, loadConfig } from "../../lambda/config";
import type { DeadLetterBody } from "../../lambda/core/dead-letter-message";
import { inProcessTarget } from "../../tooling/dlq-replay/in-process-target";
import { replayDeadLetters } from "../../tooling/dlq-replay/replay";
import { kafkaEvent, kafkaRecord } from "../../tooling/kafka-records";
import { type Bench, createBench, drainQueue } from "./aws-fixtures";

const moto = inject("motoEndpoint");

async function visibleMessages(bench: Bench, queueUrl: string): Promise<number> {
  const { Attributes } = await bench.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

/**
 * Dead letters made the way the function makes them: records that are not JSON, run through the
 * function's pipeline with VALUE_FORMAT=json, land in the bench's DLQ (moto SQS).
 */
async function deadLetterThree(bench: Bench, connectorId: string): Promise<void> {
  const config = loadConfig({
    CONNECTOR_ID: connectorId,
    EVENT_BUS_ARN: bench.busArn,
    EVENTBRIDGE_ENDPOINT_URL: moto,
    DLQ_URL: bench.dlqUrl,
  });
  const target = await inProcessTarget(config);
  const outcomes = await target.run(
    kafkaEvent([
      kafkaRecord({
        topic: "orders",
        partition: 0,
        offset: 10,
        key: "order-10",
        value: "plain text",
        headers: [["trace", "t-1"]],
      }),
      kafkaRecord({ topic: "orders", partition: 0, offset: 11, key: "order-11", value: "more text" }),
      kafkaRecord({ topic: "logs", partition: 2, offset: 7, value: new Uint8Array([0xff, 0xfe, 0x00]) }),
    ]),
  );
  await target.close();
  expect([...outcomes.values()].map((o) => o.kind)).toEqual(["deadLettered", "deadLettered", "deadLettered"]);
}

describe("dead-letter replay against moto's SQS and EventBridge", () => {
  let bench: Bench;
  let replayConfig: Config;
  const connectorId = "replay";

  beforeAll(async () => {
    bench = await createBench(moto, `replay-${randomUUID().slice(0, 8)}`, connectorId, { readmeRule: false });
    // The fixed configuration: values are text now; logs' bytes stay invalid UTF-8, so that record is poison again.
    replayConfig = loadConfig({
      CONNECTOR_ID: connectorId,
      EVENT_BUS_ARN: bench.busArn,
      EVENTBRIDGE_ENDPOINT_URL: moto,
      DLQ_URL: bench.dlqUrl,
      VALUE_FORMAT: "string",
    });
  });
  afterAll(() => bench.sqs.destroy());

  it("a dry run lists what it would replay and leaves every message in the queue", async () => {
    await deadLetterThree(bench, connectorId);
    const lines: string[] = [];
    const report = await replayDeadLetters({
      sqs: bench.sqs,
      queueUrl: bench.dlqUrl,
      target: undefined,
      dryRun: true,
      log: (line) => lines.push(line),
    });
    expect(report).toMatchObject({ received: 3, replayed: 3, delivered: 0, failed: 0 });
    expect(lines.sort()).toEqual([
      "logs-2@7 InvalidUtf8: would be replayed (dry run)",
      "orders-0@10 InvalidJson: would be replayed (dry run)",
      "orders-0@11 InvalidJson: would be replayed (dry run)",
    ]);
    expect(await visibleMessages(bench, bench.dlqUrl)).toBe(3);
  });

  it("the CLI's dry run prints the settings it would use and what it would replay, and deletes nothing", () => {
    const envFile = join(mkdtempSync(join(tmpdir(), "replay-")), "replay.env");
    writeFileSync(
      envFile,
      [
        `CONNECTOR_ID=${connectorId}`,
        `EVENT_BUS_ARN=${bench.busArn}`,
        `EVENTBRIDGE_ENDPOINT_URL=${moto}`,
        `DLQ_URL=${bench.dlqUrl}`,
        "VALUE_FORMAT=string",
        `AWS_ENDPOINT_URL_SQS=${moto}`,
      ].join("\n"),
    );
    const result = spawnSync(
      "node_modules/.bin/tsx",
      [
        "scripts/dlq-replay.ts",
        "--queue-url",
        bench.dlqUrl,
        "--env",
        envFile,
        "--dry-run",
        "--error-code",
        "InvalidJson",
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
    // Only warnings (such as the SDK's Node.js version notice) may be on stderr: no error line, no stack.
    expect(result.stderr).not.toMatch(/dlq-replay:|\n\s+at /);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Dry run with the settings of ${envFile}:\n`));
    expect(result.stdout).toMatch(/\n {2}VALUE_FORMAT +string\n/);
    expect(result.stdout).toMatch(/orders-0@10 InvalidJson: would be replayed \(dry run\)\n/);
    expect(result.stdout).toMatch(
      /dry run: 2 dead letter\(s\) would be replayed; 1 filtered out, 0 not dead letters; nothing was invoked or deleted\n$/,
    );
  });

  it("a failing target keeps every message: nothing is deleted that was not handled", async () => {
    const broken = await inProcessTarget({
      ...replayConfig,
      eventBridgeEndpointUrl: "http://127.0.0.1:9",
      retriesMax: 0,
    });
    const report = await replayDeadLetters({
      sqs: bench.sqs,
      queueUrl: bench.dlqUrl,
      target: broken,
      errorCodes: ["InvalidJson"],
    });
    await broken.close();
    expect(report).toMatchObject({
      replayed: 2,
      delivered: 0,
      deadLetteredAgain: 0,
      failed: 2,
      filteredOut: 1,
    });
    expect(await visibleMessages(bench, bench.dlqUrl)).toBe(3);
  });

  it("replays with a limit and a topic filter, then the rest: delivered events and a record poison again kept", async () => {
    const target = await inProcessTarget(replayConfig);
    const first = await replayDeadLetters({
      sqs: bench.sqs,
      queueUrl: bench.dlqUrl,
      target,
      topics: ["orders"],
      limit: 1,
    });
    expect(first).toMatchObject({ replayed: 1, delivered: 1, failed: 0 });
    const rest = await replayDeadLetters({ sqs: bench.sqs, queueUrl: bench.dlqUrl, target });
    await target.close();
    expect(rest).toMatchObject({
      replayed: 2,
      delivered: 1,
      deadLetteredAgain: 1,
      failed: 0,
      createdByThisRun: 1,
    });

    const events = await drainQueue<{
      "detail-type": string;
      source: string;
      detail: Record<string, unknown>;
    }>(bench.sqs, bench.catchAllQueueUrl, { expected: 2 });
    const details = events.map((e) => e.detail).sort((a, b) => Number(a.offset) - Number(b.offset));
    expect(details).toEqual([
      {
        topic: "orders",
        partition: 0,
        offset: 10,
        timestamp: 1_700_000_000_000,
        timestampType: "CreateTime",
        headers: [{ trace: "t-1" }],
        key: "order-10",
        value: "plain text",
      },
      {
        topic: "orders",
        partition: 0,
        offset: 11,
        timestamp: 1_700_000_000_000,
        timestampType: "CreateTime",
        headers: [],
        key: "order-11",
        value: "more text",
      },
    ]);
    expect(events.map((e) => e.source)).toEqual(["kafka-connect.replay", "kafka-connect.replay"]);

    // The record that is poison again is not lost: its new dead letter is the only message left.
    const left = await drainQueue<DeadLetterBody>(bench.sqs, bench.dlqUrl, { expected: 1 });
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({
      topic: "logs",
      partition: 2,
      offset: 7,
      value: Buffer.from([0xff, 0xfe, 0x00]).toString("base64"),
    });
  });
});
