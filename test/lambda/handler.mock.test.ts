import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { kafkaEvent, kafkaRecord, manyRecords } from "../../tooling/kafka-records";
import { loadHandler } from "../support/load-handler";
import { allSent } from "../support/sqs-answers";

// The handler with the SDK clients mocked at the command level: what the function asks of AWS.

const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);

const env = {
  CONNECTOR_ID: "mocked",
  EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/mocked",
  DLQ_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/mocked-dlq",
  PARTIAL_BATCH_RESPONSE: "true",
  RETRY_DELAY_MS: "1",
};

const accepted = (entries: PutEventsRequestEntry[] | undefined) => ({
  FailedEntryCount: 0,
  Entries: (entries ?? []).map((_, index) => ({ EventId: `id-${index}` })),
});

beforeEach(() => {
  eventBridge.reset();
  sqs.reset();
  eventBridge.on(PutEventsCommand).callsFake((input) => accepted(input.Entries));
  sqs.on(SendMessageBatchCommand).callsFake(allSent);
});
afterEach(() => vi.unstubAllEnvs());

describe("handler with mocked SDK clients", () => {
  it("sends each request with at most 10 entries to the configured bus", async () => {
    const handler = await loadHandler(env);
    await handler(kafkaEvent(manyRecords(35, { partitions: 4 })));
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(4);
    expect(calls.reduce((sum, call) => sum + (call.args[0].input.Entries?.length ?? 0), 0)).toBe(35);
    for (const call of calls) {
      expect(call.args[0].input.Entries?.length).toBeLessThanOrEqual(10);
      for (const entry of call.args[0].input.Entries ?? []) {
        expect(entry.EventBusName).toBe(env.EVENT_BUS_ARN);
        expect(entry.Source).toBe("kafka-connect.mocked");
      }
      expect(call.args[0].input.EndpointId).toBeUndefined();
    }
  });

  it("passes GLOBAL_ENDPOINT_ID as the request's EndpointId", async () => {
    const handler = await loadHandler({ ...env, GLOBAL_ENDPOINT_ID: "abcde.veo" });
    await handler(kafkaEvent([kafkaRecord()]));
    expect(eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.EndpointId).toBe("abcde.veo");
  });

  it("sends Time from the Kafka timestamp when EVENT_TIME=timestamp", async () => {
    const handler = await loadHandler({ ...env, EVENT_TIME: "timestamp" });
    await handler(kafkaEvent([kafkaRecord({ timestamp: 1_750_000_000_123 })]));
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.Time).toEqual(new Date(1_750_000_000_123));
  });

  it("resends only the entries answered with ThrottlingException", async () => {
    let call = 0;
    eventBridge.on(PutEventsCommand).callsFake((input) =>
      call++ > 0
        ? accepted(input.Entries)
        : {
            FailedEntryCount: 1,
            Entries: (input.Entries ?? []).map((_: unknown, index: number) =>
              index === 1
                ? { ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }
                : { EventId: `e${index}` },
            ),
          },
    );
    const handler = await loadHandler(env);
    const response = await handler(kafkaEvent(manyRecords(3)));
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.Entries).toEqual([calls[0]?.args[0].input.Entries?.[1]]);
    expect(response.batchItemFailures).toEqual([]);
  });

  it("stops calling EventBridge after AccessDeniedException and reports every record", async () => {
    eventBridge.on(PutEventsCommand).rejects(
      Object.assign(new Error("not authorized to perform events:PutEvents"), {
        name: "AccessDeniedException",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const handler = await loadHandler({ ...env, MAX_CONCURRENCY: "1" });
    const response = await handler(kafkaEvent(manyRecords(50, { partitions: 2 })));
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { partition: "orders-0", offset: 0 } },
      { itemIdentifier: { partition: "orders-1", offset: 0 } },
    ]);
  });

  it("dead-letters poison records in one SendMessageBatch to DLQ_URL", async () => {
    const handler = await loadHandler(env);
    await handler(
      kafkaEvent([
        kafkaRecord({ offset: 1, value: "{x" }),
        kafkaRecord({ offset: 2, value: "{y" }),
        kafkaRecord({ offset: 3, value: { fine: true } }),
      ]),
    );
    const [call] = sqs.commandCalls(SendMessageBatchCommand);
    expect(call?.args[0].input.QueueUrl).toBe(env.DLQ_URL);
    expect(call?.args[0].input.Entries?.map((entry) => JSON.parse(entry.MessageBody ?? "{}").offset)).toEqual(
      [1, 2],
    );
  });

  it("reports a poison record whose dead letter SQS lists as Failed", async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: "0", Code: "InternalError", SenderFault: false, Message: "try later" }],
    });
    const handler = await loadHandler(env);
    const response = await handler(kafkaEvent([kafkaRecord({ offset: 8, value: "{x" })]));
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: { partition: "orders-0", offset: 8 } }]);
  });
});
