import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type KafkaEvent,
  type KafkaRecord,
  MALFORMED,
  parseKafkaEvent,
  partitionKey,
  recordsOf,
} from "../../../lambda/core/kafka-event";
import { InvalidEventError, MalformedRecordError } from "../../../lambda/errors";
import { kafkaEvent, kafkaRecord } from "../../../tooling/kafka-records";

const EVENTS_DIR = new URL("../../../events/", import.meta.url);

function sampleEvent(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, EVENTS_DIR), "utf8"));
}

/** A valid MSK event whose `orders-0` partition holds a good record then `bad` at index 1. */
function withRecord(bad: unknown): unknown {
  const event = JSON.parse(JSON.stringify(kafkaEvent([kafkaRecord({ offset: 1 })])));
  event.records["orders-0"].push(bad);
  return event;
}

function invalidEvent(event: unknown): InvalidEventError {
  try {
    parseKafkaEvent(event);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return error as InvalidEventError;
  }
  throw new Error("parseKafkaEvent accepted the event");
}

describe("parseKafkaEvent", () => {
  const files = readdirSync(EVENTS_DIR).filter((name) => name.endsWith(".json"));

  it("finds the sample events", () => {
    expect(files).toEqual(expect.arrayContaining(["msk-orders.json", "self-managed-strings.json"]));
  });

  it.each(files)("accepts the sample event %s", (name) => {
    const raw = sampleEvent(name) as { records: Record<string, unknown[]> };
    const event = parseKafkaEvent(raw);
    expect(recordsOf(event)).toHaveLength(Object.values(raw.records).flat().length);
  });

  it("accepts an MSK event", () => {
    const event = parseKafkaEvent(sampleEvent("msk-orders.json"));
    expect(event.eventSource).toBe("aws:kafka");
    expect(event.eventSourceArn).toMatch(/^arn:aws:kafka:/);
  });

  it("accepts a self-managed Kafka event without an eventSourceArn", () => {
    const event = parseKafkaEvent(sampleEvent("self-managed-strings.json"));
    expect(event.eventSource).toBe("SelfManagedKafka");
    expect(event.eventSourceArn).toBeUndefined();
    expect(recordsOf(event)[0]?.key).toBeNull();
  });

  it("accepts records without key, value or headers, and an empty batch", () => {
    const bare = { topic: "t", partition: 0, offset: 0, timestamp: 1, timestampType: "LOG_APPEND_TIME" };
    expect(() => parseKafkaEvent({ eventSource: "aws:kafka", records: { "t-0": [bare] } })).not.toThrow();
    expect(recordsOf(parseKafkaEvent({ eventSource: "SelfManagedKafka", records: {} }))).toEqual([]);
  });

  it("accepts headers with null values and schema metadata", () => {
    const event = withRecord({
      ...kafkaRecord({ offset: 2 }),
      headers: [{ a: null }, { b: [-128, 127, 0] }],
      valueSchemaMetadata: { dataFormat: "AVRO", schemaId: "123" },
    });
    expect(recordsOf(parseKafkaEvent(event))).toHaveLength(2);
  });

  it.each([null, undefined, "event", 42, true, []])("rejects %j, which is not an event object", (event) => {
    const error = invalidEvent(event);
    expect(error.code).toBe("InvalidEvent");
    expect(error.message).toContain("expected a Kafka event object");
  });

  it.each([undefined, "aws:sqs", "aws:kinesis", "SelfManagedKafka ", 1])(
    "rejects the eventSource %j",
    (eventSource) => {
      const error = invalidEvent({ eventSource, records: {} });
      expect(error.message).toContain(`\`eventSource\` "aws:kafka" or "SelfManagedKafka"`);
      expect(error.message).toContain(`got ${JSON.stringify(eventSource) ?? "undefined"}`);
    },
  );

  it.each([undefined, null, [], "orders-0", 3])(
    "rejects records=%j, which is not an object of arrays",
    (records) => {
      const error = invalidEvent({ eventSource: "aws:kafka", records });
      expect(error.message).toContain("`records` as an object of arrays");
    },
  );

  it("rejects a records entry that is not an array, naming its key", () => {
    const error = invalidEvent({ eventSource: "aws:kafka", records: { "orders-0": { offset: 1 } } });
    expect(error.message).toContain(`\`records["orders-0"]\` as an array`);
  });

  const good = kafkaRecord({ offset: 2 });
  it.each<[string, unknown, string]>([
    ["a non-object record", "record", "a record object"],
    ["a null record", null, "a record object"],
    ["a missing topic", { ...good, topic: undefined }, "`topic` as a non-empty string"],
    ["an empty topic", { ...good, topic: "" }, "`topic` as a non-empty string"],
    ["a negative partition", { ...good, partition: -1 }, "`partition` as a non-negative integer"],
    ["a fractional partition", { ...good, partition: 1.5 }, "`partition` as a non-negative integer"],
    ["a string partition", { ...good, partition: "0" }, "`partition` as a non-negative integer"],
    ["a string offset", { ...good, offset: "15" }, "`offset` as a non-negative integer"],
    ["a negative offset", { ...good, offset: -1 }, "`offset` as a non-negative integer"],
    ["an offset beyond 2^53", { ...good, offset: 2 ** 53 }, "`offset` as a non-negative integer"],
  ])(
    "rejects %s, whose coordinates are unusable, naming the field and the record's place",
    (_, bad, expected) => {
      const error = invalidEvent(withRecord(bad));
      expect(error.message).toContain(expected);
      expect(error.message).toContain(`at records["orders-0"][1]`);
    },
  );
});

describe("parseKafkaEvent: a malformed field with usable coordinates", () => {
  const good = kafkaRecord({ offset: 2 });
  /** Parses a batch of a good record then `bad`, and returns the bad one as parsed. */
  function parsedBad(bad: unknown): KafkaRecord {
    const records = recordsOf(parseKafkaEvent(withRecord(bad)));
    expect(records).toHaveLength(2);
    expect(records[0]?.[MALFORMED]).toBeUndefined();
    return records[1] as KafkaRecord;
  }

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      "a string timestamp",
      { timestamp: "2026-11-23" },
      "InvalidTimestamp",
      '`timestamp` is not epoch milliseconds (an integer within ±8640000000000000): got "2026-11-23"',
    ],
    ["a fractional timestamp", { timestamp: 1.5 }, "InvalidTimestamp", "got 1.5"],
    ["a timestamp beyond a Date", { timestamp: 9e15 }, "InvalidTimestamp", "got 9000000000000000"],
    ["a missing timestamp", { timestamp: undefined }, "InvalidTimestamp", "got undefined"],
    [
      "the connector's timestampType spelling",
      { timestampType: "CreateTime" },
      "InvalidTimestampType",
      '`timestampType` is not one of CREATE_TIME, LOG_APPEND_TIME, NO_TIMESTAMP_TYPE: got "CreateTime"',
    ],
    ["a numeric key", { key: 42 }, "InvalidKeyType", "`key` is not a base64 string or null: got a number"],
    [
      "an object value",
      { value: { id: 1 } },
      "InvalidValueType",
      "`value` is not a base64 string or null: got an object",
    ],
    [
      "headers as an object",
      { headers: { a: [1] } },
      "InvalidHeaders",
      "`headers` is not an array: got an object",
    ],
    ["null headers", { headers: null }, "InvalidHeaders", "`headers` is not an array: got null"],
    [
      "a header that is not an object",
      { headers: [{ a: [1] }, "x"] },
      "InvalidHeaders",
      "headers[1] is not a { name: bytes } object: got a string",
    ],
    [
      "a header value that is a string",
      { headers: [{ a: "x" }] },
      "InvalidHeaders",
      'headers[0] "a" is not an array of signed bytes or null: got a string',
    ],
    [
      "a header byte out of range",
      { headers: [{ a: [1] }, { b: [0, 300] }] },
      "InvalidHeaders",
      'headers[1] "b" byte 1 is not a signed byte (-128..127): got 300',
    ],
    [
      "a header byte that is not an integer",
      { headers: [{ a: [1.5] }] },
      "InvalidHeaders",
      'headers[0] "a" byte 0 is not a signed byte (-128..127): got 1.5',
    ],
  ])("keeps a record with %s in the batch as poison, naming the field", (_, fields, code, message) => {
    const record = parsedBad({ ...good, ...fields });
    expect(record).toMatchObject({ topic: "orders", partition: 0, offset: 2 });
    expect(record[MALFORMED]).toBeInstanceOf(MalformedRecordError);
    expect(record[MALFORMED]?.code).toBe(code);
    expect(record[MALFORMED]?.message).toMatch(/^orders-0@2: /);
    expect(record[MALFORMED]?.message).toContain(message);
    expect(record[MALFORMED]?.record).toMatchObject({ topic: "orders", partition: 0, offset: 2 });
    expect(record[MALFORMED]?.fields).toEqual(fields);
  });

  it("names every malformed field, the first one in the code, and keeps them all as they came", () => {
    const record = parsedBad({ ...good, timestampType: 1, key: [1], headers: "h" });
    expect(record[MALFORMED]?.code).toBe("InvalidTimestampType");
    expect(record[MALFORMED]?.message).toContain("`timestampType`");
    expect(record[MALFORMED]?.message).toContain("`key`");
    expect(record[MALFORMED]?.message).toContain("`headers`");
    expect(record[MALFORMED]?.fields).toEqual({ timestampType: 1, key: [1], headers: "h" });
  });

  it("names only the type of a malformed key, value or header value: record contents stay out of logs", () => {
    const secret = "card-4111-1111";
    const record = parsedBad({ ...good, key: { secret }, headers: [{ token: secret }] });
    expect(record[MALFORMED]?.message).not.toContain(secret);
    expect(record[MALFORMED]?.fields).toEqual({ key: { secret }, headers: [{ token: secret }] });
  });

  it("replaces the malformed fields by neutral values and keeps the valid ones", () => {
    const record = parsedBad({ ...good, timestamp: "x", headers: 7 });
    expect(record).toMatchObject({ timestamp: -1, headers: [], value: good.value, key: good.key });
  });

  it("leaves the event it was given untouched", () => {
    const event = withRecord({ ...good, timestamp: "x" }) as { records: Record<string, unknown[]> };
    const before = JSON.stringify(event);
    parseKafkaEvent(event);
    expect(JSON.stringify(event)).toBe(before);
    expect(event.records["orders-0"]?.[1]).not.toHaveProperty("malformed");
  });

  it("keeps the record objects of a well-formed batch as they are", () => {
    const event = kafkaEvent([kafkaRecord({ offset: 1 }), kafkaRecord({ offset: 2 })]);
    expect(parseKafkaEvent(event).records["orders-0"]).toBe(event.records["orders-0"]);
  });
});

describe("topics containing '-'", () => {
  it("keeps topic and partition from the record fields of the sample event", () => {
    const records = recordsOf(parseKafkaEvent(sampleEvent("msk-orders.json")));
    const shipped = records.find((record) => record.topic === "order-events");
    expect(shipped).toMatchObject({ topic: "order-events", partition: 0, offset: 3 });
    expect(shipped && partitionKey(shipped)).toBe("order-events-0");
  });

  it("never derives topic or partition from the batch key", () => {
    const record = kafkaRecord({ topic: "eu-orders-v2", partition: 12, offset: 5 });
    const event: KafkaEvent = { eventSource: "aws:kafka", records: { "whatever-7": [record] } };
    const [parsed] = recordsOf(parseKafkaEvent(event));
    expect(parsed).toMatchObject({ topic: "eu-orders-v2", partition: 12 });
    expect(parsed && partitionKey(parsed)).toBe("eu-orders-v2-12");
  });
});

describe("recordsOf", () => {
  it("returns records partition by partition, in offset order within each", () => {
    const records = recordsOf(parseKafkaEvent(sampleEvent("msk-orders.json")));
    expect(records.map((record) => `${partitionKey(record)}@${record.offset}`)).toEqual([
      "orders-0@15",
      "orders-0@16",
      "orders-1@7",
      "order-events-0@3",
    ]);
  });
});
