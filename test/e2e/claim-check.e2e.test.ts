import { randomBytes, randomUUID } from "node:crypto";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { restoreClaimCheck } from "../../lambda/offload/restore-event";
import type { LambdaHandler } from "../../tooling/local-esm/invocation";
import { type Bench, createBench, drainQueue } from "./aws-fixtures";
import { DETAIL_FIELDS, type DeliveredEvent, handlerEnv } from "./chain";
import { createTopics, produce } from "./kafka-fixtures";
import { loadHandler } from "./load-handler";
import { runUntilCommitted } from "./run-until-committed";

const bootstrap = inject("kafkaBootstrap");
const moto = inject("motoEndpoint");

describe("claim-check: Kafka → local ESM → handler → S3 (moto) + EventBridge (moto)", () => {
  const id = randomUUID().slice(0, 8);
  const connectorId = `claims-${id}`;
  const bucket = `claims-${id}`;
  const s3 = new S3Client({ endpoint: moto, forcePathStyle: true });
  let bench: Bench;
  let handler: LambdaHandler;

  beforeAll(async () => {
    bench = await createBench(moto, connectorId, connectorId, { readmeRule: false });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    handler = await loadHandler(
      handlerEnv(bench, connectorId, moto, moto, {
        AWS_ENDPOINT_URL_S3: moto,
        OFFLOAD_S3_BUCKET: bucket,
        OFFLOAD_S3_PREFIX: "kafka/",
        VALUE_FORMAT: `json,blobs-${id}:base64`,
      }),
    );
  });
  afterAll(() => {
    bench?.sqs.destroy();
    s3.destroy();
  });

  it("delivers a 3 MB record as an event with dataref; the object holds its exact bytes and the helper restores the event", async () => {
    const [orders, blobs] = [`orders-${id}`, `blobs-${id}`];
    const topicConfig = [{ name: "max.message.bytes", value: String(8 * 1024 * 1024) }];
    await createTopics(bootstrap, [orders, blobs], 1, topicConfig);
    // Compact JSON: detail embeds it as is, so the object must hold these very bytes.
    const big = Buffer.from(
      JSON.stringify({
        id: 12,
        total: 1.5,
        lines: Array.from({ length: 30_000 }, (_, i) => ({ sku: `s-${i}`, n: i })),
        pad: "p".repeat(2_400_000),
      }),
    );
    expect(big.length).toBeGreaterThan(3 * 1024 * 1024);
    const bytes = randomBytes(2_500_000);
    await produce(bootstrap, [
      { topic: orders, key: Buffer.from("order-0"), value: Buffer.from('{"small":true}') },
      { topic: orders, key: Buffer.from("order-1"), value: big },
      { topic: orders, key: Buffer.from("order-2"), value: Buffer.from('{"small":2}') },
      { topic: blobs, key: Buffer.from("blob-0"), value: bytes },
    ]);
    await runUntilCommitted(handler, [{ topic: orders, partitions: 1, end: [3] }]);
    await runUntilCommitted(handler, [{ topic: blobs, partitions: 1, end: [1] }]);

    const events = await drainQueue<DeliveredEvent>(bench.sqs, bench.catchAllQueueUrl, { expected: 4 });
    const at = (topic: string, offset: number) =>
      events.find(
        (event) => event.detail.topic === topic && event.detail.offset === offset,
      ) as DeliveredEvent;
    expect(events).toHaveLength(4);
    expect(at(orders, 0).detail.value).toEqual({ small: true });
    expect(at(orders, 2).detail.value).toEqual({ small: 2 });

    const claim = at(orders, 1);
    expect(claim.detail).toMatchObject({
      key: "order-1",
      dataref: `arn:aws:s3:::${bucket}/kafka/${orders}/0/1`,
      datarefJsonPath: "$.detail.value",
    });
    expect(claim.detail).not.toHaveProperty("value");
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `kafka/${orders}/0/1` }));
    expect(Buffer.from((await object.Body?.transformToByteArray()) ?? []).equals(big)).toBe(true);
    expect(object.ContentType).toBe("application/json");

    const restored = await restoreClaimCheck(claim, s3);
    expect(restored.detail.value).toEqual(JSON.parse(big.toString("utf8")));
    expect(Object.keys(restored.detail)).toEqual(DETAIL_FIELDS);

    const blob = at(blobs, 0);
    const blobObject = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `kafka/${blobs}/0/0` }));
    expect(Buffer.from((await blobObject.Body?.transformToByteArray()) ?? []).equals(bytes)).toBe(true);
    expect((await restoreClaimCheck(blob, s3)).detail.value).toBe(bytes.toString("base64"));
  });
});
