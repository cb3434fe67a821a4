import avro from "avsc";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DeadLetterBody } from "../../../lambda/core/dead-letter-message";
import { kafkaEvent, kafkaRecord } from "../../../tooling/kafka-records";
import { loadHandler } from "../../support/load-handler";
import { useRegistryAndAws } from "./scripted-registry";
import { confluentFrame } from "./test-codecs";

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

const order = (id: number) => confluentFrame(7, ORDER_TYPE.toBuffer({ id, total: 1.1 }));

const bench = useRegistryAndAws(7, ORDER);
afterEach(() => {
  vi.unstubAllEnvs();
});

function handlerFor() {
  return loadHandler({
    CONNECTOR_ID: "orders-sink",
    EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/orders",
    EVENTBRIDGE_ENDPOINT_URL: bench.aws.url,
    AWS_ENDPOINT_URL_SQS: bench.aws.url,
    DLQ_URL: `${bench.aws.url}/123456789012/orders-dlq`,
    PARTIAL_BATCH_RESPONSE: "true",
    VALUE_FORMAT: "avro",
    SCHEMA_REGISTRY_URL: bench.registry.url,
  });
}

const schemaCalls = () =>
  bench.registry.requests.filter(({ path }) => path.startsWith("/schemas/ids/")).length;
/** Delivered values in offset order (requests go out concurrently; order holds within a request only). */
const values = () =>
  bench.aws.events
    .map((entry) => JSON.parse(entry.Detail) as { offset: number; value: unknown })
    .sort((a, b) => a.offset - b.offset)
    .map((detail) => detail.value);
const deadLetterCodes = () =>
  bench.aws.deadLetters.map((message) => (JSON.parse(message.MessageBody) as DeadLetterBody).errorCode);

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
    bench.registry.faults.push({ delayMs: 100 });
    const batch = (partition: number) =>
      kafkaEvent([0, 1].map((offset) => kafkaRecord({ partition, offset, value: order(offset) })));

    const responses = await Promise.all([handler(batch(0)), handler(batch(1))]);

    expect(responses.map((response) => response.batchItemFailures)).toEqual([[], []]);
    expect(bench.aws.events).toHaveLength(4);
    expect(schemaCalls()).toBe(1);
  });

  it("dead-letters an unknown schema id and bytes that do not match their schema, and delivers the rest", async () => {
    const handler = await handlerFor();
    const records = [
      kafkaRecord({ offset: 0, value: order(0) }),
      kafkaRecord({ offset: 1, value: confluentFrame(404, ORDER_TYPE.toBuffer({ id: 1, total: 2 })) }),
      kafkaRecord({ offset: 2, value: confluentFrame(7, Buffer.from([0x02])) }),
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
    for (let attempt = 0; attempt < 10; attempt += 1) bench.registry.faults.push(fault);
    const records = [3, 4, 5].map((offset) => kafkaRecord({ offset, value: order(offset) }));

    const response = await handler(kafkaEvent(records));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: { partition: "orders-0", offset: 3 } }]);
    expect(bench.aws.events).toEqual([]);
    expect(bench.aws.deadLetters).toEqual([]);

    // The outage is not remembered: the next batch asks again and delivers.
    bench.registry.faults.length = 0;
    expect((await handler(kafkaEvent(records))).batchItemFailures).toEqual([]);
    expect(values()).toHaveLength(3);
  });
});
