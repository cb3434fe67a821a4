import { describe, expect, it } from "vitest";
import { deadLetterMessage } from "../../../lambda/core/dead-letter-message";
import { type KafkaRecord, MALFORMED, parseKafkaEvent, recordsOf } from "../../../lambda/core/kafka-event";
import { PoisonRecordError } from "../../../lambda/errors";
import { kafkaEvent, kafkaRecord } from "../../../tooling/kafka-records";

const NOW = new Date("2026-11-23T10:15:30.000Z");
const ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/demo/abcd1234-ab12-cd34-ef56-abcdef123456-1";
const VALUE_BYTES = Uint8Array.from([0x7b, 0xff, 0x00, 0x7d]);

function poisoned(record: KafkaRecord, code = "InvalidJson", message = "value is not a JSON document") {
  return deadLetterMessage(record, new PoisonRecordError(code, record, message), {
    connectorId: "orders-sink",
    eventSourceArn: ARN,
    now: NOW,
  });
}

const record = kafkaRecord({
  topic: "orders",
  partition: 0,
  offset: 31,
  timestamp: 1_700_000_000_000,
  key: "order-6",
  value: VALUE_BYTES,
  headers: [
    ["source", "café"],
    ["binary", Uint8Array.from([0xff, 0xfe])],
    ["gone", null],
  ],
});

describe("deadLetterMessage", () => {
  it("carries the coordinates, the error and the connector id in the body", () => {
    const body = JSON.parse(poisoned(record).body);
    expect(body).toMatchObject({
      version: 1,
      connectorId: "orders-sink",
      topic: "orders",
      partition: 0,
      offset: 31,
      timestamp: 1_700_000_000_000,
      errorCode: "InvalidJson",
      eventSourceArn: ARN,
      deadLetteredAt: "2026-11-23T10:15:30.000Z",
    });
    expect(body.errorMessage).toContain("value is not a JSON document");
    expect(body.errorMessage).toContain("orders-0@31");
  });

  it("keeps key, value and headers losslessly as base64", () => {
    const body = JSON.parse(poisoned(record).body);
    expect(Buffer.from(body.key, "base64").toString("utf8")).toBe("order-6");
    expect([...Buffer.from(body.value, "base64")]).toEqual([...VALUE_BYTES]);
    expect(body.headers).toEqual([
      { source: Buffer.from("café").toString("base64") },
      { binary: "//4=" },
      { gone: null },
    ]);
  });

  it("writes null for a missing key, a tombstone and no headers, and for a self-managed source", () => {
    const bare: KafkaRecord = {
      topic: "logs",
      partition: 2,
      offset: 0,
      timestamp: 1,
      timestampType: "LOG_APPEND_TIME",
    };
    const message = deadLetterMessage(bare, new PoisonRecordError("EntryTooLarge", bare, "too large"), {
      connectorId: "c",
      eventSourceArn: undefined,
      now: NOW,
    });
    expect(JSON.parse(message.body)).toMatchObject({
      key: null,
      value: null,
      headers: [],
      eventSourceArn: null,
    });
  });

  it("carries a malformed record's bad fields as they came, null in their typed place", () => {
    const raw = { ...record, timestamp: "yesterday", headers: [{ a: [300] }] };
    const [parsed] = recordsOf(parseKafkaEvent(kafkaEvent([raw as unknown as KafkaRecord])));
    const malformed = parsed?.[MALFORMED];
    if (parsed === undefined || malformed === undefined)
      throw new Error("the record was not kept as malformed");
    const body = JSON.parse(
      deadLetterMessage(parsed, malformed, { connectorId: "c", eventSourceArn: undefined, now: NOW }).body,
    );
    expect(body).toMatchObject({
      topic: "orders",
      offset: 31,
      timestamp: null,
      timestampType: "CREATE_TIME",
      key: record.key,
      value: record.value,
      headers: null,
      malformedFields: { timestamp: "yesterday", headers: [{ a: [300] }] },
      errorCode: "InvalidTimestamp",
    });
    expect(body.errorMessage).toContain('headers[0] "a" byte 0');
  });

  it("has no malformedFields for a well-formed record", () => {
    expect(JSON.parse(poisoned(record).body)).not.toHaveProperty("malformedFields");
  });

  it("sets the topic, partition, offset and errorCode attributes", () => {
    expect(poisoned(record).attributes).toEqual({
      topic: { DataType: "String", StringValue: "orders" },
      partition: { DataType: "Number", StringValue: "0" },
      offset: { DataType: "Number", StringValue: "31" },
      errorCode: { DataType: "String", StringValue: "InvalidJson" },
    });
  });

  it("counts the body bytes plus attribute names, types and values as its size", () => {
    const message = poisoned(record, "InvalidJson", "naïve ☕ message");
    // names: topic 5 + partition 9 + offset 6 + errorCode 9; types: 4 × 6; values: orders 6 + 0 1 + 31 2 + InvalidJson 11
    const attributeBytes = 29 + 24 + 20;
    expect(message.size).toBe(Buffer.byteLength(message.body, "utf8") + attributeBytes);
    expect(Buffer.byteLength(message.body, "utf8")).toBeGreaterThan(message.body.length);
  });

  it("keeps the record it was built from", () => {
    expect(poisoned(record).record).toBe(record);
  });
});
