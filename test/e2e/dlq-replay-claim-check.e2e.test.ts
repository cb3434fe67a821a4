import { randomUUID } from "node:crypto";
import { CreateBucketCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../lambda/config";
import { restoreClaimCheck } from "../../lambda/offload/restore-event";
import { s3ClaimCheckReader } from "../../tooling/dlq-replay/claim-check-reader";
import { inProcessTarget } from "../../tooling/dlq-replay/in-process-target";
import { replayDeadLetters } from "../../tooling/dlq-replay/replay";
import { kafkaEvent, kafkaRecord } from "../../tooling/kafka-records";
import { type Bench, createBench, drainQueue } from "./aws-fixtures";

const moto = inject("motoEndpoint");

describe("dead-letter replay of a dead letter kept in the claim-check bucket (moto SQS, S3, EventBridge)", () => {
  const id = randomUUID().slice(0, 8);
  const connectorId = `replay-claims-${id}`;
  const bucket = `replay-claims-${id}`;
  const s3 = new S3Client({ endpoint: moto, forcePathStyle: true });
  const endpointBefore = process.env.AWS_ENDPOINT_URL_S3;
  let bench: Bench;
  const settings = (valueFormat: string) =>
    loadConfig({
      CONNECTOR_ID: connectorId,
      EVENT_BUS_ARN: bench.busArn,
      EVENTBRIDGE_ENDPOINT_URL: moto,
      DLQ_URL: bench.dlqUrl,
      OFFLOAD_S3_BUCKET: bucket,
      OFFLOAD_S3_PREFIX: "kafka/",
      VALUE_FORMAT: valueFormat,
    });

  beforeAll(async () => {
    // The function's claim-check store and the replay's reader take S3's endpoint from here, as deployed.
    process.env.AWS_ENDPOINT_URL_S3 = moto;
    bench = await createBench(moto, connectorId, connectorId, { readmeRule: false });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(() => {
    if (endpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
    else process.env.AWS_ENDPOINT_URL_S3 = endpointBefore;
    bench?.sqs.destroy();
    s3.destroy();
  });

  it("reads the body from the bucket, delivers the record, and deletes the message", async () => {
    // 1.2 MB of text under VALUE_FORMAT=json: poison, and its dead letter (base64) is over SQS's 1 MiB.
    const text = `not json ${"t".repeat(1_200_000)}`;
    const poisoned = await inProcessTarget(settings("json"));
    const first = await poisoned.run(
      kafkaEvent([kafkaRecord({ topic: "orders", partition: 0, offset: 5, key: "order-5", value: text })]),
    );
    await poisoned.close();
    expect([...first.values()]).toEqual([{ kind: "deadLettered", code: "InvalidJson" }]);
    // Its body went to the bucket; the message holds the coordinates and the object's ARN.
    const kept = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: "kafka/orders/0/5.dead-letter.json" }),
    );
    expect(kept.ContentLength).toBeGreaterThan(1_600_000);

    const reader = s3ClaimCheckReader();
    const target = await inProcessTarget(settings("string"));
    const lines: string[] = [];
    const report = await replayDeadLetters({
      sqs: bench.sqs,
      queueUrl: bench.dlqUrl,
      target,
      readClaimCheck: (dataref) => reader.read(dataref),
      log: (line) => lines.push(line),
    });
    await target.close();
    reader.close();
    expect(lines).toEqual(["orders-0@5 (was InvalidJson): delivered"]);
    expect(report).toMatchObject({ received: 1, replayed: 1, delivered: 1, unreadable: 0, invalid: 0 });

    // Delivered as the function delivers a large record: the event names its object, which holds the value.
    const [event] = await drainQueue<{ detail: Record<string, unknown> }>(bench.sqs, bench.catchAllQueueUrl, {
      expected: 1,
    });
    expect(event?.detail).toMatchObject({
      topic: "orders",
      offset: 5,
      key: "order-5",
      dataref: `arn:aws:s3:::${bucket}/kafka/orders/0/5`,
    });
    const restored = await restoreClaimCheck(event as { detail: Record<string, unknown> }, s3);
    expect(restored.detail.value).toBe(text);
    // The message is gone: nothing is left in the dead-letter queue.
    expect(await drainQueue(bench.sqs, bench.dlqUrl, { idleMs: 500 })).toEqual([]);
  });
});
