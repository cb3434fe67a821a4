import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sqsDeadLetters } from "../../../lambda/adapters/sqs-dead-letters";
import {
  type DeadLetterMessage,
  deadLetterMessage,
  SQS_MAX_BYTES,
} from "../../../lambda/core/dead-letter-message";
import { POISON_CODES, PoisonRecordError } from "../../../lambda/errors";
import { withOversizeClaimCheck } from "../../../lambda/offload/dead-letter-offload";
import { s3ClaimCheckStore } from "../../../lambda/offload/s3-claim-check-store";
import { kafkaRecord, type RecordSpec } from "../../../tooling/kafka-records";
import { type LocalAwsEndpoint, startLocalAwsEndpoint } from "../../../tooling/local-aws/local-aws-endpoint";
import { S3_FAULTS, type S3Bench, startS3Bench } from "./s3-bench";

// The real SQS adapter over HTTP (the local AWS endpoint) wrapped by the claim check, with S3 on moto.

let s3: S3Bench;
let aws: LocalAwsEndpoint;
let bucket: string;
beforeAll(async () => {
  s3 = await startS3Bench();
}, 180_000);
afterAll(async () => s3?.close());
beforeEach(async () => {
  s3.reset();
  bucket = await s3.createBucket();
  aws = await startLocalAwsEndpoint();
});
afterEach(async () => aws.close());

function messageFor(spec: RecordSpec): DeadLetterMessage {
  const record = kafkaRecord(spec);
  const error = new PoisonRecordError(POISON_CODES.entryTooLarge, record, "entry too large");
  return deadLetterMessage(record, error, {
    connectorId: "orders-sink",
    eventSourceArn: "arn:aws:kafka:us-east-1:123456789012:cluster/demo/x",
    now: new Date("2026-11-29T12:00:00Z"),
  });
}

function sender() {
  const queueUrl = `${aws.url}/123456789012/orders-dlq`;
  const sqs = sqsDeadLetters(new SQSClient({ endpoint: aws.url, region: "us-east-1" }), queueUrl);
  const store = s3ClaimCheckStore({ bucket, maxSockets: 4, endpoint: s3.url, forcePathStyle: true });
  return withOversizeClaimCheck(sqs, store, { prefix: "kafka/", maxConcurrency: 2 });
}

const signal = () => AbortSignal.timeout(20_000);

describe("dead letters over SQS's 1 MiB", () => {
  it("puts the full body in the bucket and sends a message that references it", async () => {
    const big = messageFor({ partition: 1, offset: 7, key: "k", value: { blob: "x".repeat(SQS_MAX_BYTES) } });
    const small = messageFor({ partition: 1, offset: 8, value: { ok: true } });
    expect(big.size).toBeGreaterThan(SQS_MAX_BYTES);

    const results = await sender().send([big, small], signal());

    expect(results).toEqual([{ sent: true }, { sent: true }]);
    const [sentBig, sentSmall] = aws.deadLetters;
    expect(sentSmall?.MessageBody).toBe(small.body);
    const body = JSON.parse(sentBig?.MessageBody ?? "{}") as Record<string, unknown>;
    expect(body).toEqual({
      version: 1,
      connectorId: "orders-sink",
      topic: "orders",
      partition: 1,
      offset: 7,
      timestamp: 1_700_000_000_000,
      timestampType: "CREATE_TIME",
      errorCode: "EntryTooLarge",
      errorMessage: "orders-1@7: entry too large",
      eventSourceArn: "arn:aws:kafka:us-east-1:123456789012:cluster/demo/x",
      deadLetteredAt: "2026-11-29T12:00:00.000Z",
      dataref: `arn:aws:s3:::${bucket}/kafka/orders/1/7.dead-letter.json`,
    });
    expect(sentBig?.MessageAttributes).toMatchObject({
      offset: { StringValue: "7" },
      errorCode: { StringValue: "EntryTooLarge" },
    });
    const object = await s3.getObject(bucket, "kafka/orders/1/7.dead-letter.json");
    expect(object.body.toString("utf8")).toBe(big.body);
    expect(object.contentType).toBe("application/json");
  });

  it("reports the message failed and sends nothing for it when S3 fails", async () => {
    s3.fault = () => S3_FAULTS.accessDenied;
    const big = messageFor({ offset: 3, value: { blob: "x".repeat(SQS_MAX_BYTES) } });
    const small = messageFor({ offset: 4, value: { ok: true } });
    const results = await sender().send([big, small], signal());
    expect(results[0]).toMatchObject({ sent: false, code: "AccessDenied" });
    expect(results[1]).toEqual({ sent: true });
    expect(aws.deadLetters.map((message) => message.MessageBody)).toEqual([small.body]);
  });

  it("passes messages within the limit through without touching S3", async () => {
    const messages = [
      messageFor({ offset: 0 }),
      messageFor({ offset: 1, value: { blob: "y".repeat(600_000) } }),
    ];
    expect(await sender().send(messages, signal())).toEqual([{ sent: true }, { sent: true }]);
    expect(aws.deadLetters.map((message) => message.MessageBody)).toEqual(
      messages.map((message) => message.body),
    );
    expect(s3.seen).toEqual([]);
  });
});
