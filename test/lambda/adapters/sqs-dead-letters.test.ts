import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { sqsClient, sqsDeadLetters } from "../../../lambda/adapters/sqs-dead-letters";
import { deadLetterMessage } from "../../../lambda/core/dead-letter-message";
import { PoisonRecordError } from "../../../lambda/errors";
import { kafkaRecord } from "../../../tooling/kafka-records";
import { allSent } from "../../support/sqs-answers";

const sqs = mockClient(SQSClient);
const QUEUE = "https://sqs.eu-central-1.amazonaws.com/123456789012/dlq";

function message(offset: number, valueBytes = 10) {
  const record = kafkaRecord({ offset, value: "v".repeat(valueBytes) });
  const error = new PoisonRecordError("InvalidJson", record, "value is not a JSON document");
  return deadLetterMessage(record, error, { connectorId: "c", eventSourceArn: undefined, now: new Date(0) });
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake(allSent);
});

describe("sqsDeadLetters", () => {
  it("sends at most 10 messages per SendMessageBatch", async () => {
    const results = await sqsDeadLetters(new SQSClient({}), QUEUE).send(
      Array.from({ length: 23 }, (_, offset) => message(offset)),
      new AbortController().signal,
    );
    expect(results.every((result) => result.sent)).toBe(true);
    const sizes = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.length);
    expect(sizes).toHaveLength(3);
    expect(Math.max(...sizes.map((size) => size ?? 0))).toBeLessThanOrEqual(10);
  });

  it("keeps each SendMessageBatch within 1 MiB in total", async () => {
    // Three messages of ~450 KB of base64 each: no two fit in one 1 MiB call with a third.
    const big = [message(0, 340_000), message(1, 340_000), message(2, 340_000)];
    await sqsDeadLetters(new SQSClient({}), QUEUE).send(big, new AbortController().signal);
    for (const call of sqs.commandCalls(SendMessageBatchCommand)) {
      const bytes = (call.args[0].input.Entries ?? []).reduce(
        (sum, entry) => sum + Buffer.byteLength(entry.MessageBody ?? ""),
        0,
      );
      expect(bytes).toBeLessThanOrEqual(1_048_576);
    }
    expect(sqs.commandCalls(SendMessageBatchCommand).length).toBeGreaterThan(1);
  });

  it("does not send a message over SQS's 1 MiB and says why", async () => {
    const [result] = await sqsDeadLetters(new SQSClient({}), QUEUE).send(
      [message(0, 800_000)],
      new AbortController().signal,
    );
    expect(result).toMatchObject({ sent: false, code: "MessageTooLarge" });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it("marks every message of a batch whose call failed as not sent", async () => {
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(new Error("boom"), { name: "InternalError" }));
    const results = await sqsDeadLetters(new SQSClient({}), QUEUE).send(
      [message(0), message(1)],
      new AbortController().signal,
    );
    expect(results).toEqual([
      { sent: false, code: "InternalError", message: "boom" },
      { sent: false, code: "InternalError", message: "boom" },
    ]);
  });

  it("signs for the queue's region taken from its URL", async () => {
    expect(await sqsClient(QUEUE).config.region()).toBe("eu-central-1");
  });
});
