// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} is the connector's DETAIL_TYPES placeholder, not a template literal
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../lambda/config";
import { entrySize } from "../../../lambda/core/entry-size";
import { parseKafkaEvent, recordsOf } from "../../../lambda/core/kafka-event";
import { type EventEntry, mapRecord } from "../../../lambda/core/map-entry";
import { PoisonRecordError } from "../../../lambda/errors";
import { kafkaRecord, type RecordSpec } from "../../../tooling/kafka-records";

const BUS_ARN = "arn:aws:events:eu-west-3:123456789012:event-bus/orders-bus";
const KAFKA_TIME = 1_700_000_000_000;

function config(env: Record<string, string> = {}) {
  return loadConfig({ CONNECTOR_ID: "orders-sink", EVENT_BUS_ARN: BUS_ARN, ...env });
}

function mapped(env: Record<string, string>, spec: RecordSpec = {}): EventEntry {
  const result = mapRecord(config(env), kafkaRecord(spec));
  if (result instanceof PoisonRecordError) throw result;
  return result;
}

function sampleRecords(name: string) {
  const url = new URL(`../../../events/${name}`, import.meta.url);
  return recordsOf(parseKafkaEvent(JSON.parse(readFileSync(url, "utf8"))));
}

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

describe("mapRecord: Detail", () => {
  it("writes the fields in the connector's order: topic, partition, offset, timestamp, timestampType, headers, key, value", () => {
    const { entry } = mapped(
      {},
      {
        topic: "orders",
        partition: 3,
        offset: 42,
        key: "order-1",
        value: { id: 1 },
        headers: [["trace", "abc"]],
      },
    );
    expect(entry.Detail).toBe(
      '{"topic":"orders","partition":3,"offset":42,"timestamp":1700000000000,"timestampType":"CreateTime",' +
        '"headers":[{"trace":"abc"}],"key":"order-1","value":{"id":1}}',
    );
  });

  it.each([
    ["CREATE_TIME", "CreateTime"],
    ["LOG_APPEND_TIME", "LogAppendTime"],
  ] as const)("spells timestampType %s as %s", (timestampType, spelled) => {
    const detail = JSON.parse(mapped({}, { timestampType }).entry.Detail);
    expect(detail.timestampType).toBe(spelled);
  });

  it("embeds a JSON value compact, keeping 1.10, key order and integers beyond 2^53", () => {
    const value = '{"total":1.10, "id":1234567890123456789,\n  "b":0,"a":1}';
    expect(mapped({}, { value }).entry.Detail).toMatch(
      /"value":\{"total":1\.10,"id":1234567890123456789,"b":0,"a":1\}\}$/,
    );
  });

  it.each([
    ["an integer beyond signed 64 bits", '{"id": 12345678901234567890}', "IntegerOutOfRange"],
    ["nesting deeper than PutEvents accepts", `${"[".repeat(999)}${"]".repeat(999)}`, "NestingTooDeep"],
  ])("poisons a value with %s", (_, value, code) => {
    const result = mapRecord(config(), kafkaRecord({ value }));
    expect(result).toBeInstanceOf(PoisonRecordError);
    expect((result as PoisonRecordError).code).toBe(code);
  });

  it("poisons a key or value that is not canonical base64", () => {
    const value = mapRecord(config(), { ...kafkaRecord(), value: "eyJhIjoxfQ==Zm9v" });
    expect((value as PoisonRecordError).code).toBe("InvalidBase64");
    const key = mapRecord(config(), { ...kafkaRecord(), key: "%%%" });
    expect((key as PoisonRecordError).code).toBe("InvalidBase64");
  });

  it("keeps 1.10 and a big integer from the sample MSK event", () => {
    const record = sampleRecords("msk-orders.json").find((r) => r.partition === 1);
    const result = record && mapRecord(config(), record);
    expect(result).not.toBeInstanceOf(PoisonRecordError);
    expect((result as EventEntry).entry.Detail).toContain('"total":1.10,"customerId":1234567890123456789}');
  });

  it("renders a tombstone and a missing key as null", () => {
    const [tombstone] = sampleRecords("tombstone.json");
    const record = tombstone && { ...tombstone, key: undefined };
    const result = record && mapRecord(config(), record);
    expect((result as EventEntry).entry.Detail).toMatch(/"key":null,"value":null\}$/);
  });

  it("renders the key as a string by default and as JSON with KEY_FORMAT=json", () => {
    expect(JSON.parse(mapped({}, { key: '{"k":1}' }).entry.Detail).key).toBe('{"k":1}');
    expect(mapped({ KEY_FORMAT: "json" }, { key: '{"k":1}' }).entry.Detail).toContain('"key":{"k":1},');
  });

  it("renders the sample headers in order, duplicates kept, typed as the connector does, binary as base64", () => {
    const [record] = sampleRecords("headers.json");
    const result = record && mapRecord(config(), record);
    expect((result as EventEntry).entry.Detail).toContain(
      '"headers":[{"source":"café ☕"},{"retry":1},{"retry":2},{"binary":"//4AgA=="},{"empty":null}]',
    );
  });

  it("renders headers as strings with HEADER_FORMAT=string", () => {
    const [record] = sampleRecords("headers.json");
    const result = record && mapRecord(config({ HEADER_FORMAT: "string" }), record);
    expect((result as EventEntry).entry.Detail).toContain('{"retry":"1"},{"retry":"2"}');
  });

  it("applies per-topic value formats, with the default for other topics", () => {
    const env = { VALUE_FORMAT: "orders:json,logs:string" };
    expect(mapped(env, { topic: "logs", value: "GET /health 200" }).entry.Detail).toContain(
      '"value":"GET /health 200"}',
    );
    expect(mapped(env, { topic: "orders", value: '{"a":1}' }).entry.Detail).toContain('"value":{"a":1}}');
    expect(mapRecord(config(env), kafkaRecord({ topic: "payments", value: "not json" }))).toBeInstanceOf(
      PoisonRecordError,
    );
  });

  it("maps the self-managed sample with VALUE_FORMAT=auto", () => {
    const details = sampleRecords("self-managed-strings.json").map((record) => {
      const result = mapRecord(config({ VALUE_FORMAT: "auto" }), record);
      return JSON.parse((result as EventEntry).entry.Detail);
    });
    expect(details.map((detail) => [detail.key, detail.value])).toEqual([
      [null, "GET /health 200"],
      ["host-a", "{not json, just text"],
    ]);
  });
});

describe("mapRecord: Source, DetailType, Resources, bus", () => {
  it("uses kafka-connect.<CONNECTOR_ID> as Source by default and EVENT_SOURCE when set", () => {
    expect(mapped({}).entry.Source).toBe("kafka-connect.orders-sink");
    expect(mapped({ EVENT_SOURCE: "com.example.orders" }).entry.Source).toBe("com.example.orders");
  });

  it("sends to EVENT_BUS_ARN", () => {
    expect(mapped({}).entry.EventBusName).toBe(BUS_ARN);
  });

  it.each([
    [undefined, "orders", "kafka-connect-orders"],
    [undefined, "order-events", "kafka-connect-order-events"],
    ["${topic}", "order-events", "order-events"],
    ["my-type-${topic}", "orders", "my-type-orders"],
    ["${topic}.${topic}", "orders", "orders.orders"],
    ["my-type", "orders", "my-type"],
    ["orders:OrderEvent, logs:LogLine", "orders", "OrderEvent"],
    ["orders:OrderEvent, logs:LogLine", "logs", "LogLine"],
    ["orders:OrderEvent, logs:LogLine", "payments", "kafka-connect-payments"],
  ])("with DETAIL_TYPES=%s gives topic %s the DetailType %s", (detailTypes, topic, expected) => {
    const env: Record<string, string> = detailTypes === undefined ? {} : { DETAIL_TYPES: detailTypes };
    expect(mapped(env, { topic }).entry.DetailType).toBe(expected);
  });

  describe("DETAIL_TYPE_JSONPATH", () => {
    const env = { DETAIL_TYPE_JSONPATH: "$.eventType", DETAIL_TYPES: "fallback-${topic}" };

    it("takes the DetailType from a string field of the value", () => {
      expect(mapped(env, { value: { eventType: "OrderShipped" } }).entry.DetailType).toBe("OrderShipped");
      expect(
        mapped({ DETAIL_TYPE_JSONPATH: "$.meta.type" }, { value: { meta: { type: "Nested" } } }).entry
          .DetailType,
      ).toBe("Nested");
    });

    it.each([
      ["the field is missing", { id: 1 }],
      ["the field is a number", { eventType: 42 }],
      ["the field is an object", { eventType: { name: "x" } }],
      ["the field is empty", { eventType: "" }],
      ["the value is an array", [{ eventType: "Nope" }]],
      ["the value is a tombstone", null],
    ])("falls back to DETAIL_TYPES when %s", (_, value) => {
      expect(mapped(env, { value }).entry.DetailType).toBe("fallback-orders");
    });

    it("falls back when the value is not JSON", () => {
      const entry = mapped({ ...env, VALUE_FORMAT: "string" }, { value: '{"eventType":"AsText"}' }).entry;
      expect(entry.DetailType).toBe("fallback-orders");
      expect(mapped({ ...env, VALUE_FORMAT: "auto" }, { value: "plain text" }).entry.DetailType).toBe(
        "fallback-orders",
      );
    });
  });

  it("lists EVENT_RESOURCES as Resources, none by default", () => {
    expect(mapped({}).entry.Resources).toEqual([]);
    expect(mapped({ EVENT_RESOURCES: "arn:aws:s3:::a,arn:aws:s3:::b" }).entry.Resources).toEqual([
      "arn:aws:s3:::a",
      "arn:aws:s3:::b",
    ]);
  });
});

describe("mapRecord: Time and size", () => {
  it("leaves Time unset by default and counts the AWS size formula", () => {
    const { entry, size } = mapped({ EVENT_RESOURCES: "arn:aws:s3:::é" });
    expect("Time" in entry).toBe(false);
    expect(size).toBe(
      bytes("kafka-connect.orders-sink") +
        bytes("kafka-connect-orders") +
        bytes(entry.Detail) +
        bytes("arn:aws:s3:::é"),
    );
  });

  it("uses the Kafka timestamp with EVENT_TIME=timestamp, adding 14 bytes to the size", () => {
    const without = mapped({}, { timestamp: KAFKA_TIME });
    const withTime = mapped({ EVENT_TIME: "timestamp" }, { timestamp: KAFKA_TIME });
    expect(withTime.entry.Time).toEqual(new Date(KAFKA_TIME));
    expect(withTime.entry.Detail).toBe(without.entry.Detail);
    expect(withTime.size).toBe(without.size + 14);
  });

  describe("EVENT_TIME=<JSONPath>", () => {
    const env = { EVENT_TIME: "$.createdAt" };

    it("reads an ISO-8601 string", () => {
      const { entry } = mapped(env, { value: { createdAt: "2026-11-23T10:15:30Z" } });
      expect(entry.Time).toEqual(new Date(Date.UTC(2026, 10, 23, 10, 15, 30)));
    });

    it("reads epoch milliseconds", () => {
      const { entry, size } = mapped(env, { value: { createdAt: 1_790_000_000_000 } });
      expect(entry.Time).toEqual(new Date(1_790_000_000_000));
      expect(size).toBe(mapped({}, { value: { createdAt: 1_790_000_000_000 } }).size + 14);
    });

    it.each([
      ["the field is missing", { id: 1 }],
      ["the field is not a date", { createdAt: "yesterday" }],
      ["the field is an object", { createdAt: { at: 1 } }],
      ["the value is a tombstone", null],
    ])("falls back to the Kafka timestamp when %s", (_, value) => {
      expect(mapped(env, { value, timestamp: KAFKA_TIME }).entry.Time).toEqual(new Date(KAFKA_TIME));
    });

    it("falls back to the Kafka timestamp when the value is not JSON", () => {
      const entry = mapped(
        { ...env, VALUE_FORMAT: "string" },
        { value: "text", timestamp: KAFKA_TIME },
      ).entry;
      expect(entry.Time).toEqual(new Date(KAFKA_TIME));
    });
  });
  it("reports the size EventBridge counts for the entry it built, whatever the configuration and record", () => {
    const text = fc.string({ unit: "grapheme", maxLength: 12 });
    fc.assert(
      fc.property(
        fc.record({
          topic: fc.constantFrom("orders", "order-events", "logs"),
          source: fc.option(
            text.filter((s) => s.trim() !== "" && !s.includes(",")),
            { nil: undefined },
          ),
          resources: fc.array(fc.constantFrom("arn:aws:s3:::a", "arn:aws:s3:::é☕"), { maxLength: 3 }),
          detailTypes: fc.constantFrom("kafka-connect-${topic}", "tÿpe-${topic}", "orders:Ördér,logs:Lög"),
          eventType: fc.option(text, { nil: undefined }),
          eventTime: fc.constantFrom("", "timestamp", "$.at"),
          value: fc.string({ unit: "grapheme", maxLength: 30 }),
        }),
        ({ topic, source, resources, detailTypes, eventType, eventTime, value }) => {
          const env: Record<string, string> = {
            EVENT_RESOURCES: resources.join(","),
            DETAIL_TYPES: detailTypes,
            DETAIL_TYPE_JSONPATH: "$.eventType",
            EVENT_TIME: eventTime,
          };
          if (source !== undefined) env.EVENT_SOURCE = source;
          const cfg = config(env);
          // Map twice so that anything cached per topic is exercised too.
          for (const offset of [1, 2]) {
            const result = mapRecord(cfg, kafkaRecord({ topic, offset, value: { eventType, value, at: 5 } }));
            if (result instanceof PoisonRecordError) throw result;
            expect(result.size).toBe(entrySize(result.entry));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("mapRecord: poison", () => {
  it("returns a PoisonRecordError with code InvalidJson and the record's coordinates for a value that is not JSON", () => {
    const poison = sampleRecords("poison.json").find((record) => record.offset === 31);
    const result = poison && mapRecord(config(), poison);
    expect(result).toBeInstanceOf(PoisonRecordError);
    const error = result as PoisonRecordError;
    expect(error.code).toBe("InvalidJson");
    expect(error.record).toMatchObject({ topic: "orders", partition: 0, offset: 31 });
    expect(error.message).toContain("orders-0@31");
    expect(error.message).toContain("VALUE_FORMAT");
  });

  it("maps the other records of the poison sample", () => {
    const results = sampleRecords("poison.json").map((record) => mapRecord(config(), record));
    expect(results.map((result) => result instanceof PoisonRecordError)).toEqual([false, true, false]);
  });

  it("returns InvalidUtf8 for a key that is not UTF-8, naming KEY_FORMAT", () => {
    const result = mapRecord(
      config(),
      kafkaRecord({ topic: "order-events", partition: 4, offset: 9, key: Uint8Array.from([0xff]) }),
    );
    expect(result).toBeInstanceOf(PoisonRecordError);
    const error = result as PoisonRecordError;
    expect(error.code).toBe("InvalidUtf8");
    expect(error.record).toMatchObject({ topic: "order-events", partition: 4, offset: 9 });
    expect(error.message).toContain("KEY_FORMAT");
  });

  it("returns InvalidUtf8 for a JSON value that is not UTF-8", () => {
    const result = mapRecord(config(), kafkaRecord({ value: Uint8Array.from([0x22, 0xff, 0x22]) }));
    expect((result as PoisonRecordError).code).toBe("InvalidUtf8");
  });

  it("does not poison a record whose value is not JSON when its topic's format is base64", () => {
    const { entry } = mapped({ VALUE_FORMAT: "base64" }, { value: Uint8Array.from([0xff, 0x00]) });
    expect(JSON.parse(entry.Detail).value).toBe("/wA=");
  });
});

describe("mapRecord: PutEvents limits the record's own content breaks", () => {
  const poisonOf = (env: Record<string, string>, spec: RecordSpec) => {
    const result = mapRecord(config(env), kafkaRecord(spec));
    expect(result).toBeInstanceOf(PoisonRecordError);
    return result as PoisonRecordError;
  };

  it("maps a topic of 114 characters under the default kafka-connect-${topic} (128 characters)", () => {
    expect(mapped({}, { topic: "t".repeat(114) }).entry.DetailType).toHaveLength(128);
  });

  it("dead-letters a record of a 115-character topic as DetailTypeTooLong under the default", () => {
    const error = poisonOf({}, { topic: "t".repeat(115), offset: 7 });
    expect(error.code).toBe("DetailTypeTooLong");
    expect(error.record).toMatchObject({ topic: "t".repeat(115), offset: 7 });
    expect(error.message).toContain(
      "detail-type of 129 characters exceeds PutEvents' 128 (DETAIL_TYPES for this topic)",
    );
  });

  it("gives an unlisted long topic of a topic:DetailType list the same check", () => {
    expect(poisonOf({ DETAIL_TYPES: "orders:Order" }, { topic: "t".repeat(200) }).code).toBe(
      "DetailTypeTooLong",
    );
    expect(mapped({ DETAIL_TYPES: "orders:Order" }, { topic: "orders" }).entry.DetailType).toBe("Order");
  });

  it("dead-letters a DETAIL_TYPE_JSONPATH pick of 129 characters, without its text in the message", () => {
    const picked = "p".repeat(129);
    const error = poisonOf({ DETAIL_TYPE_JSONPATH: "$.type" }, { value: { type: picked } });
    expect(error.code).toBe("DetailTypeTooLong");
    expect(error.message).toContain("(DETAIL_TYPE_JSONPATH)");
    expect(error.message).not.toContain(picked);
  });

  it("counts characters as AWS does: 128 emoji (256 UTF-16 units) fit", () => {
    const picked = "😀".repeat(128);
    expect(mapped({ DETAIL_TYPE_JSONPATH: "$.type" }, { value: { type: picked } }).entry.DetailType).toBe(
      picked,
    );
    expect(poisonOf({ DETAIL_TYPE_JSONPATH: "$.type" }, { value: { type: `${picked}x` } }).code).toBe(
      "DetailTypeTooLong",
    );
  });

  it("takes no field of the incoming JSON for the mark of a malformed record", () => {
    const wire = {
      ...kafkaRecord({ offset: 3 }),
      malformed: new PoisonRecordError("Forged", { topic: "orders", partition: 0, offset: 3 }, "forged"),
    };
    const [record] = recordsOf(
      parseKafkaEvent({ eventSource: "aws:kafka", records: { "orders-0": [wire] } }),
    );
    expect(record && mapRecord(config(), record)).not.toBeInstanceOf(PoisonRecordError);
  });
});
