import avro from "avsc";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeadLetterBody } from "../../../lambda/core/dead-letter-message";
import { kafkaEvent, kafkaRecord } from "../../../tooling/kafka-records";
import { type LocalAwsEndpoint, startLocalAwsEndpoint } from "../../../tooling/local-aws/local-aws-endpoint";
import { loadHandler } from "../../support/load-handler";
import { type ScriptedRegistry, scriptedRegistry } from "./scripted-registry";

// The real handler with VALUE_FORMAT=avro over HTTP: a Confluent-compatible registry on a loopback port,
// EventBridge and SQS on the local AWS endpoint. Poison (unknown schema, bytes that do not match) goes to
// the dead-letter queue; a registry that does not answer leaves the records reported failed.

const ORDER = {
  type: "record",
  name: "Order",
  fields: [
    { name: "id", type: "long" },
    { name: "total", type: "double" },
  ],
};
const ORDER_TYPE = avro.Type.forSchema(ORDER as avro.Schema);

/** Confluent wire format: magic byte 0, the schema id big-endian, the Avro body. */
function confluent(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

const order = (id: number) => confluent(7, ORDER_TYPE.toBuffer({ id, total: 1.1 }));

let registry: ScriptedRegistry;
let aws: LocalAwsEndpoint;

beforeEach(async () => {
  registry = await scriptedRegistry();
  registry.ids.set(7, { schema: JSON.stringify(ORDER) });
  aws = await startLocalAwsEndpoint();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await registry.close();
  await aws.close();
});

function handlerFor() {
  return loadHandler({
    CONNECTOR_ID: "orders-sink",
    EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/orders",
    EVENTBRIDGE_ENDPOINT_URL: aws.url,
    AWS_ENDPOINT_URL_SQS: aws.url,
    DLQ_URL: `${aws.url}/123456789012/orders-dlq`,
    PARTIAL_BATCH_RESPONSE: "true",
    VALUE_FORMAT: "avro",
    SCHEMA_REGISTRY_URL: registry.url,
  });
}

const schemaCalls = () => registry.requests.filter(({ path }) => path.startsWith("/schemas/ids/")).length;
/** Delivered values in offset order (requests go out concurrently; order holds within a request only). */
const values = () =>
  aws.events
    .map((entry) => JSON.parse(entry.Detail) as { offset: number; value: unknown })
    .sort((a, b) => a.offset - b.offset)
    .map((detail) => detail.value);
const deadLetterCodes = () =>
  aws.deadLetters.map((message) => (JSON.parse(message.MessageBody) as DeadLetterBody).errorCode);

describe("handler with a Confluent-compatible registry over HTTP", () => {
  it("delivers Avro values as JSON, fetching the schema once for the whole batch", async () => {
    const handler = await handlerFor();
    const records = Array.from({ length: 50 }, (_, offset) => kafkaRecord({ offset, value: order(offset) }));

    const response = await handler(kafkaEvent(records));

    expect(response.batchItemFailures).toEqual([]);
    expect(values()).toEqual(records.map((_, offset) => ({ id: offset, total: 1.1 })));
    expect(schemaCalls()).toBe(1);
  });

  it("makes one registry call when two batches look up a new schema at the same time", async () => {
    const handler = await handlerFor();
    registry.faults.push({ delayMs: 100 });
    const batch = (partition: number) =>
      kafkaEvent([0, 1].map((offset) => kafkaRecord({ partition, offset, value: order(offset) })));

    const responses = await Promise.all([handler(batch(0)), handler(batch(1))]);

    expect(responses.map((response) => response.batchItemFailures)).toEqual([[], []]);
    expect(aws.events).toHaveLength(4);
    expect(schemaCalls()).toBe(1);
  });

  it("dead-letters an unknown schema id and bytes that do not match their schema, and delivers the rest", async () => {
    const handler = await handlerFor();
    const records = [
      kafkaRecord({ offset: 0, value: order(0) }),
      kafkaRecord({ offset: 1, value: confluent(404, ORDER_TYPE.toBuffer({ id: 1, total: 2 })) }),
      kafkaRecord({ offset: 2, value: confluent(7, Buffer.from([0x02])) }),
      kafkaRecord({ offset: 3, value: Buffer.from('{"not":"framed"}') }),
    ];

    const response = await handler(kafkaEvent(records));

    expect(response.batchItemFailures).toEqual([]);
    expect(values()).toEqual([{ id: 0, total: 1.1 }]);
    expect(deadLetterCodes()).toEqual(["UnknownSchema", "SchemaMismatch", "InvalidWireFormat"]);
  });

  it.each([
    ["answers 503", { status: 503 }],
    ["answers 429", { status: 429 }],
    ["resets the connection", { reset: true as const }],
  ])("reports the records failed, never dead-lettered, when the registry %s", async (_, fault) => {
    const handler = await handlerFor();
    // Every attempt the client makes in this batch meets the fault.
    for (let attempt = 0; attempt < 10; attempt += 1) registry.faults.push(fault);
    const records = [3, 4, 5].map((offset) => kafkaRecord({ offset, value: order(offset) }));

    const response = await handler(kafkaEvent(records));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: { partition: "orders-0", offset: 3 } }]);
    expect(aws.events).toEqual([]);
    expect(aws.deadLetters).toEqual([]);

    // The outage is not remembered: the next batch asks again and delivers.
    registry.faults.length = 0;
    expect((await handler(kafkaEvent(records))).batchItemFailures).toEqual([]);
    expect(values()).toHaveLength(3);
  });
});
