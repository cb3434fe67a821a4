import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { kafkaEvent, kafkaRecord, manyRecords } from "../../tooling/kafka-records";
import { type LocalAwsEndpoint, startLocalAwsEndpoint } from "../../tooling/local-aws/local-aws-endpoint";
import { loadHandler } from "../support/load-handler";
import { allSent } from "../support/sqs-answers";

// The handler with the SQS client mocked at the command level, and EventBridge at the local endpoint
// (PutEvents does not go through an SDK client's send, so a command mock would not see it): what the
// function asks of AWS.

const sqs = mockClient(SQSClient);
let aws: LocalAwsEndpoint;

const env = () => ({
  CONNECTOR_ID: "mocked",
  EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/mocked",
  EVENTBRIDGE_ENDPOINT_URL: aws.url,
  DLQ_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/mocked-dlq",
  PARTIAL_BATCH_RESPONSE: "true",
  RETRY_DELAY_MS: "1",
});

beforeEach(async () => {
  aws = await startLocalAwsEndpoint();
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake(allSent);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await aws.close();
});

describe("handler with a mocked SQS client and the local EventBridge endpoint", () => {
  it("sends each request with at most 10 entries to the configured bus", async () => {
    const handler = await loadHandler(env());
    await handler(kafkaEvent(manyRecords(35, { partitions: 4 })));
    const calls = aws.putEvents;
    expect(calls).toHaveLength(4);
    expect(calls.reduce((sum, call) => sum + call.entries.length, 0)).toBe(35);
    for (const call of calls) {
      expect(call.entries.length).toBeLessThanOrEqual(10);
      for (const entry of call.entries) {
        expect(entry.EventBusName).toBe(env().EVENT_BUS_ARN);
        expect(entry.Source).toBe("kafka-connect.mocked");
      }
      expect(call.endpointId).toBeUndefined();
    }
  });

  it("passes GLOBAL_ENDPOINT_ID as the request's EndpointId", async () => {
    const handler = await loadHandler({ ...env(), GLOBAL_ENDPOINT_ID: "abcde.veo" });
    await handler(kafkaEvent([kafkaRecord()]));
    expect(aws.putEvents[0]?.endpointId).toBe("abcde.veo");
  });

  it("sends Time from the Kafka timestamp when EVENT_TIME=timestamp", async () => {
    const handler = await loadHandler({ ...env(), EVENT_TIME: "timestamp" });
    await handler(kafkaEvent([kafkaRecord({ timestamp: 1_750_000_000_123 })]));
    // On the wire as epoch seconds (awsJson1_1 timestamps).
    expect(aws.putEvents[0]?.entries[0]?.Time).toBe(1_750_000_000.123);
  });

  it("resends only the entries answered with ThrottlingException", async () => {
    aws.behaviour.putEvents = (entries, call) => ({
      results: entries.map((_, index) =>
        call === 0 && index === 1
          ? { ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }
          : { EventId: `e${index}` },
      ),
    });
    const handler = await loadHandler(env());
    const response = await handler(kafkaEvent(manyRecords(3)));
    const calls = aws.putEvents;
    expect(calls).toHaveLength(2);
    expect(calls[1]?.entries).toEqual([calls[0]?.entries[1]]);
    expect(response.batchItemFailures).toEqual([]);
  });

  it("stops calling EventBridge after AccessDeniedException and reports every record", async () => {
    let calls = 0;
    aws.behaviour.putEvents = () => {
      calls += 1;
      return {
        status: 400,
        errorType: "AccessDeniedException",
        message: "not authorized to perform events:PutEvents",
      };
    };
    const handler = await loadHandler({ ...env(), MAX_CONCURRENCY: "1" });
    const response = await handler(kafkaEvent(manyRecords(50, { partitions: 2 })));
    expect(calls).toBe(1);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { partition: "orders-0", offset: 0 } },
      { itemIdentifier: { partition: "orders-1", offset: 0 } },
    ]);
  });

  it("dead-letters poison records in one SendMessageBatch to DLQ_URL", async () => {
    const handler = await loadHandler(env());
    await handler(
      kafkaEvent([
        kafkaRecord({ offset: 1, value: "{x" }),
        kafkaRecord({ offset: 2, value: "{y" }),
        kafkaRecord({ offset: 3, value: { fine: true } }),
      ]),
    );
    const [call] = sqs.commandCalls(SendMessageBatchCommand);
    expect(call?.args[0].input.QueueUrl).toBe(env().DLQ_URL);
    expect(call?.args[0].input.Entries?.map((entry) => JSON.parse(entry.MessageBody ?? "{}").offset)).toEqual(
      [1, 2],
    );
  });

  it("reports a poison record whose dead letter SQS lists as Failed", async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: "0", Code: "InternalError", SenderFault: false, Message: "try later" }],
    });
    const handler = await loadHandler(env());
    const response = await handler(kafkaEvent([kafkaRecord({ offset: 8, value: "{x" })]));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: { partition: "orders-0", offset: 8 } }]);
  });
});
