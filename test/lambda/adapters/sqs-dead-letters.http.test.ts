import { setMaxListeners } from "node:events";
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqsDeadLetters } from "../../../lambda/adapters/sqs-dead-letters";
import { deadLetterMessage } from "../../../lambda/core/dead-letter-message";
import { PoisonRecordError } from "../../../lambda/errors";
import { kafkaRecord } from "../../../tooling/kafka-records";
import { type LocalAwsEndpoint, startLocalAwsEndpoint } from "../../../tooling/local-aws/local-aws-endpoint";

// The dead-letter sender with the real SQS client over HTTP: the SDK's HTTP handler listens on the
// abort signal of every request it has in flight.

let aws: LocalAwsEndpoint;
beforeEach(async () => {
  aws = await startLocalAwsEndpoint();
});
afterEach(async () => {
  await aws.close();
});

function message(offset: number) {
  const record = kafkaRecord({ offset, value: "{oops" });
  const error = new PoisonRecordError("InvalidJson", record, "value is not a JSON document");
  return deadLetterMessage(record, error, { connectorId: "c", eventSourceArn: undefined, now: new Date(0) });
}

describe("sqsDeadLetters over HTTP", () => {
  it("sends 15 batches at once without a MaxListenersExceededWarning on the signal it was given", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const signal = AbortSignal.timeout(30_000);
      // Node's default for a signal (vitest's workers lift it): more than 10 listeners print the warning.
      setMaxListeners(10, signal);
      const client = new SQSClient({ endpoint: aws.url, region: "us-east-1" });
      const results = await sqsDeadLetters(client, `${aws.url}/123456789012/dlq`).send(
        Array.from({ length: 150 }, (_, offset) => message(offset)),
        signal,
      );
      expect(results.filter((result) => result.sent)).toHaveLength(150);
      expect(aws.deadLetters).toHaveLength(150);
      // process.emitWarning delivers on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.map((warning) => warning.name)).not.toContain("MaxListenersExceededWarning");
  });

  it("still stops every send when the signal it was given aborts", async () => {
    aws.behaviour.sendMessageBatch = async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { results: { failedIds: [] } };
    };
    const controller = new AbortController();
    const client = new SQSClient({ endpoint: aws.url, region: "us-east-1", maxAttempts: 1 });
    const sending = sqsDeadLetters(client, `${aws.url}/123456789012/dlq`).send(
      Array.from({ length: 30 }, (_, offset) => message(offset)),
      controller.signal,
    );
    setTimeout(() => controller.abort(), 50);
    const results = await sending;
    expect(results.every((result) => !result.sent)).toBe(true);
  });
});
