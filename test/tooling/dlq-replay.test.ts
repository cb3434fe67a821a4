import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { deadLetterMessage } from "../../lambda/core/dead-letter-message";
import type { KafkaEvent, KafkaRecord } from "../../lambda/core/kafka-event";
import { PoisonRecordError } from "../../lambda/errors";
import { claimCheckedDeadLetter } from "../../lambda/offload/dead-letter-claim-check";
import { parseDeadLetterBody, recordOfDeadLetter } from "../../tooling/dlq-replay/dead-letter-body";
import { lambdaTarget } from "../../tooling/dlq-replay/lambda-target";
import { formatReplayReport, replayDeadLetters } from "../../tooling/dlq-replay/replay";
import { type ReplayOutcome, type ReplayTarget, replayEvent } from "../../tooling/dlq-replay/replay-target";
import { kafkaRecord } from "../../tooling/kafka-records";

// One mock per client class for the file: a second mockClient of the same class replaces the first's stub.
const lambda = mockClient(LambdaClient);
const sqs = mockClient(SQSClient);
afterEach(() => {
  lambda.reset();
  sqs.reset();
});

/** The mocked queue holds `bodies` once (messages m0, m1, … with receipt handles r0, r1, …), then nothing. */
function queueHolding(bodies: readonly string[]): void {
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({
      Messages: bodies.map((Body, i) => ({ MessageId: `m${i}`, ReceiptHandle: `r${i}`, Body })),
    })
    .resolves({ Messages: [] });
  sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
}

/** The queue the replays read (mocked). */
const dlq = () => ({
  sqs: new SQSClient({ region: "us-east-1" }),
  queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/dlq",
});

/** A Lambda Invoke payload as the SDK returns it (a Uint8Array with transformToString). */
const payload = (text: string) =>
  Object.assign(new TextEncoder().encode(text), { transformToString: () => text });
const arn = "arn:aws:kafka:us-east-1:123456789012:cluster/demo/abcd1234-ab12-cd34-ef56-abcdef123456-1";
const deadLetteredAt = new Date("2026-01-01T00:00:00Z");

function deadLetter(spec: Parameters<typeof kafkaRecord>[0], code = "InvalidJson") {
  const record = kafkaRecord(spec);
  const message = deadLetterMessage(record, new PoisonRecordError(code, record, "bad"), {
    connectorId: "c",
    eventSourceArn: arn,
    now: deadLetteredAt,
  });
  return { record, body: message.body, message };
}

describe("dead-letter bodies", () => {
  it("rebuild the record byte for byte: key, value, headers (non-UTF-8, null, repeated)", () => {
    const { record, body } = deadLetter({
      key: null,
      value: new Uint8Array([0xff, 0x00, 0x7b]),
      headers: [
        ["trace", "a"],
        ["bin", new Uint8Array([0x80, 0xff])],
        ["trace", null],
      ],
      timestampType: "LOG_APPEND_TIME",
      offset: 42,
    });
    const parsed = parseDeadLetterBody(body);
    if (typeof parsed === "string" || "dataref" in parsed)
      throw new Error(`not a whole dead letter: ${body}`);
    expect(recordOfDeadLetter(parsed)).toEqual(record);
  });

  it.each([
    ["not json", "not JSON"],
    ['{"version":2}', "version 2, expected 1"],
    ['{"version":1,"topic":"t","partition":-1}', "partition is not a non-negative integer"],
  ])("reject %s: %s", (text, reason) => {
    expect(parseDeadLetterBody(text)).toBe(reason);
  });
});

describe("the deployed function as replay target", () => {
  const log = (lines: string[]) => Buffer.from(lines.join("\n")).toString("base64");
  const event = replayEvent(
    [
      kafkaRecord({ topic: "orders", partition: 0, offset: 5 }),
      kafkaRecord({ topic: "orders", partition: 1, offset: 9 }),
    ],
    arn,
  );
  const [first, second] = Object.values(event.records).flat();

  it("invokes synchronously with the log tail and reads delivered and dead-lettered records from it", async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload('{"batchItemFailures":[]}'),
      LogResult: log([
        "START RequestId: 1 Version: $LATEST",
        '{"level":"WARN","message":"record dead-lettered","topic":"orders","partition":1,"offset":9,"errorCode":"InvalidJson"}',
        "END RequestId: 1",
      ]),
    });
    const outcomes = await lambdaTarget(new LambdaClient({ region: "us-east-1" }), "fn").run(event);
    expect(outcomes.get(first as never)).toEqual({ kind: "delivered" });
    expect(outcomes.get(second as never)).toEqual({ kind: "deadLettered", code: "InvalidJson" });
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: "fn", InvocationType: "RequestResponse", LogType: "Tail" });
    expect(JSON.parse(Buffer.from(input?.Payload as Uint8Array).toString())).toEqual(event);
  });

  it("counts records in batchItemFailures as failed, and handled ones as unknown when the log tail was cut", async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload('{"batchItemFailures":[{"itemIdentifier":{"partition":"orders-1","offset":9}}]}'),
      LogResult: log(['..."}', "END RequestId: 1"]),
    });
    const outcomes = await lambdaTarget(new LambdaClient({ region: "us-east-1" }), "fn").run(event);
    expect(outcomes.get(first as never)).toEqual({ kind: "handled" });
    expect(outcomes.get(second as never)).toMatchObject({ kind: "failed", code: "ReportedFailed" });
  });

  it("fails every record when the function errs or the call fails", async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: "Unhandled",
      Payload: payload('{"errorType":"BatchFailedError","errorMessage":"1 of 2 records were not delivered"}'),
    });
    const target = lambdaTarget(new LambdaClient({ region: "us-east-1" }), "fn");
    const erred = await target.run(event);
    expect([...erred.values()]).toEqual([
      { kind: "failed", code: "BatchFailedError", message: "1 of 2 records were not delivered" },
      { kind: "failed", code: "BatchFailedError", message: "1 of 2 records were not delivered" },
    ]);
    lambda.reset();
    lambda.on(InvokeCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const rejected = await target.run(event);
    expect([...rejected.values()].map((o) => o.kind === "failed" && o.code)).toEqual([
      "AccessDeniedException",
      "AccessDeniedException",
    ]);
  });
});

describe("replayDeadLetters through the deployed function", () => {
  it("deletes only the messages of handled records and makes the others visible again", async () => {
    const letters = [
      deadLetter({ topic: "orders", partition: 0, offset: 1 }),
      deadLetter({ topic: "orders", partition: 0, offset: 2 }),
      deadLetter({ topic: "orders", partition: 1, offset: 7 }),
      deadLetter({ topic: "customers", partition: 0, offset: 3 }),
    ];
    queueHolding(letters.map((letter) => letter.body));
    const events: KafkaEvent[] = [];
    lambda.on(InvokeCommand).callsFake((input: { Payload: Uint8Array }) => {
      const event = JSON.parse(Buffer.from(input.Payload).toString()) as KafkaEvent;
      events.push(event);
      // orders-1@7 fails again; the function answers with a partial batch response.
      const failing = event.records["orders-1"]
        ? [{ itemIdentifier: { partition: "orders-1", offset: 7 } }]
        : [];
      return {
        StatusCode: 200,
        Payload: payload(JSON.stringify({ batchItemFailures: failing })),
        LogResult: Buffer.from("START RequestId: x\nEND RequestId: x").toString("base64"),
      };
    });
    const report = await replayDeadLetters({
      ...dlq(),
      target: lambdaTarget(new LambdaClient({ region: "us-east-1" }), "fn"),
      topics: ["orders"],
    });
    expect(report).toMatchObject({ received: 4, replayed: 3, delivered: 2, failed: 1, filteredOut: 1 });
    // At most one record per partition per invocation: orders-0@1 and orders-0@2 go in separate events.
    expect(events.map((e) => Object.keys(e.records).sort())).toEqual([
      ["orders-0", "orders-1"],
      ["orders-0"],
    ]);
    expect(events[0]).toMatchObject({ eventSource: "aws:kafka", eventSourceArn: arn });
    const deleted = sqs.commandCalls(DeleteMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(deleted.map((e) => e.ReceiptHandle).sort()).toEqual(["r0", "r1"]);
    const released = sqs
      .commandCalls(ChangeMessageVisibilityBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(released.map((e) => [e.ReceiptHandle, e.VisibilityTimeout]).sort()).toEqual([
      ["r2", 0],
      ["r3", 0],
    ]);
    expect(formatReplayReport(report, false)).toBe(
      "replayed 3: 2 delivered, 0 dead-lettered again, 1 failed (kept in the queue); left in the queue: 1 filtered out",
    );
  });
});

describe("replayDeadLetters of dead letters kept in the claim-check bucket", () => {
  /** A target that delivers every record it is given, and keeps them. */
  function deliveringTarget(): ReplayTarget & { readonly records: KafkaRecord[] } {
    const records: KafkaRecord[] = [];
    return {
      description: "test",
      batchSize: 10,
      records,
      async run(event) {
        const outcomes = new Map<KafkaRecord, ReplayOutcome>();
        for (const record of Object.values(event.records).flat()) {
          records.push(record);
          outcomes.set(record, { kind: "delivered" });
        }
        return outcomes;
      },
      async close() {},
    };
  }

  const bucketArn = (offset: number) => `arn:aws:s3:::dead-letters/kafka/orders/0/${offset}.dead-letter.json`;

  it("replays each from its object and keeps those whose object cannot be read or is another record's", async () => {
    const big = deadLetter({
      topic: "orders",
      partition: 0,
      offset: 1,
      key: "order-1",
      value: "x".repeat(2_000),
    });
    const missing = deadLetter({ topic: "orders", partition: 0, offset: 2 });
    const swapped = deadLetter({ topic: "orders", partition: 0, offset: 3 });
    const objects = new Map([
      [bucketArn(1), big.body],
      [bucketArn(3), big.body],
    ]);
    const bodies = [
      claimCheckedDeadLetter(big.message, bucketArn(1)).body,
      claimCheckedDeadLetter(missing.message, bucketArn(2)).body,
      claimCheckedDeadLetter(swapped.message, bucketArn(3)).body,
    ];
    expect(JSON.parse(bodies[0] as string)).not.toHaveProperty("value");
    queueHolding(bodies);
    const target = deliveringTarget();
    const lines: string[] = [];
    const report = await replayDeadLetters({
      ...dlq(),
      target,
      readClaimCheck: async (dataref) => {
        const body = objects.get(dataref);
        if (body === undefined)
          throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey" });
        return body;
      },
      log: (line) => lines.push(line),
    });

    expect(report).toMatchObject({ received: 3, replayed: 1, delivered: 1, unreadable: 1, invalid: 1 });
    // The record rebuilt byte for byte from the object, not from the message.
    expect(target.records).toEqual([big.record]);
    const deleted = sqs.commandCalls(DeleteMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(deleted.map((e) => e.ReceiptHandle)).toEqual(["r0"]);
    const released = sqs
      .commandCalls(ChangeMessageVisibilityBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(released.map((e) => e.ReceiptHandle).sort()).toEqual(["r1", "r2"]);
    expect(lines).toContain(
      `message m1 kept: its body could not be read from ${bucketArn(2)}: NoSuchKey: The specified key does not exist.`,
    );
    expect(lines).toContain(
      `message m2 kept: not a dead letter of this function (the object ${bucketArn(3)} holds another record's dead letter)`,
    );
    expect(formatReplayReport(report, false)).toBe(
      "replayed 1: 1 delivered, 0 dead-lettered again, 0 failed (kept in the queue); left in the queue: 1 not dead letters, 1 not readable from the claim-check bucket",
    );
  });

  it("keeps them, saying why, when it is given no way to read the bucket", async () => {
    const big = deadLetter({ topic: "orders", partition: 0, offset: 1 });
    queueHolding([claimCheckedDeadLetter(big.message, bucketArn(1)).body]);
    const lines: string[] = [];
    const report = await replayDeadLetters({
      ...dlq(),
      target: deliveringTarget(),
      log: (line) => lines.push(line),
    });
    expect(report).toMatchObject({ received: 1, replayed: 0, invalid: 1 });
    expect(lines).toEqual([
      `message m0 kept: not a dead letter of this function (its record is in the claim-check bucket (${bucketArn(1)}), which this replay does not read)`,
    ]);
  });
});
