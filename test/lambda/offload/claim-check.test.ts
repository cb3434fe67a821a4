import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../lambda/config";
import { entrySize } from "../../../lambda/core/entry-size";
import { type EventEntry, mapRecord } from "../../../lambda/core/map-entry";
import { claimCheck, claimCheckKey } from "../../../lambda/offload/claim-check";
import { parseOffloadPath } from "../../../lambda/offload/offload-path";
import { kafkaRecord, type RecordSpec } from "../../../tooling/kafka-records";

const configFor = (valueFormat: string) =>
  loadConfig({
    CONNECTOR_ID: "orders-sink",
    EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/orders",
    EVENT_TIME: "timestamp",
    EVENT_RESOURCES: "arn:aws:kafka:us-east-1:123456789012:cluster/demo/x",
    VALUE_FORMAT: valueFormat,
  });

function entryOf(spec: RecordSpec, valueFormat = "json"): EventEntry {
  const mapped = mapRecord(configFor(valueFormat), kafkaRecord(spec));
  if (!("entry" in mapped)) throw mapped;
  return mapped;
}

const settings = (path = "$.detail.value", prefix = "kafka/") => ({
  bucket: "claim-checks",
  prefix,
  path: parseOffloadPath(path),
});

describe("claimCheck", () => {
  const value = '{"orderItems":["a","b"],"total":1.10,"id":1234567890123456789}';
  const entry = entryOf({ topic: "orders", partition: 3, offset: 42, key: "order-1", value });

  it("moves the value to an object and references it as the connector does, keeping the rest byte for byte", () => {
    const claim = claimCheck(entry, settings(), "json");
    expect(claim?.object).toEqual({
      key: "kafka/orders/3/42",
      body: Buffer.from(value),
      contentType: "application/json",
    });
    expect(claim?.entry.entry.Detail).toBe(
      '{"topic":"orders","partition":3,"offset":42,"timestamp":1700000000000,"timestampType":"CreateTime",' +
        '"headers":[],"key":"order-1",' +
        '"dataref":"arn:aws:s3:::claim-checks/kafka/orders/3/42","datarefJsonPath":"$.detail.value"}',
    );
  });

  it("keeps Source, DetailType, Resources, Time and the bus, and recomputes the size", () => {
    const claim = claimCheck(entry, settings(), "json");
    const { Detail: _before, ...rest } = entry.entry;
    const { Detail, ...after } = claim?.entry.entry ?? { Detail: "" };
    expect(after).toEqual(rest);
    expect(claim?.entry.record).toBe(entry.record);
    expect(claim?.entry.size).toBe(entrySize({ ...entry.entry, Detail }));
    const big = entryOf({ value: { blob: "x".repeat(10_000) } });
    const removed = `,"value":{"blob":"${"x".repeat(10_000)}"}`;
    const added =
      ',"dataref":"arn:aws:s3:::claim-checks/kafka/orders/0/0","datarefJsonPath":"$.detail.value"';
    expect(claimCheck(big, settings(), "json")?.entry.size).toBe(big.size - removed.length + added.length);
  });

  it("moves only the part at a deeper path, leaving the rest of the value", () => {
    const claim = claimCheck(entry, settings("$.detail.value.orderItems"), "json");
    expect(claim?.object.body.toString()).toBe('["a","b"]');
    const detail = claim?.entry.entry.Detail ?? "";
    expect(detail).toContain('"value":{"total":1.10,"id":1234567890123456789}');
    expect(detail).toMatch(/"datarefJsonPath":"\$\.detail\.value\.orderItems"}$/);
  });

  it("stores a string value as its text, as the connector does", () => {
    const text = entryOf({ value: 'héllo "world"\n' }, "string");
    const claim = claimCheck(text, settings(), "string");
    expect(claim?.object.body.toString("utf8")).toBe('héllo "world"\n');
    expect(claim?.object.contentType).toBe("text/plain; charset=utf-8");
  });

  it("stores a VALUE_FORMAT=base64 value as the record's exact bytes", () => {
    const bytes = Buffer.from([0, 255, 1, 128, 10]);
    const claim = claimCheck(entryOf({ value: bytes }, "base64"), settings(), "base64");
    expect(claim?.object.body).toEqual(bytes);
    expect(claim?.object.contentType).toBe("application/octet-stream");
  });

  it("offloads nothing for a tombstone or a path that selects nothing", () => {
    expect(claimCheck(entryOf({ value: null }), settings(), "json")).toBeUndefined();
    expect(claimCheck(entry, settings("$.detail.value.missing"), "json")).toBeUndefined();
    expect(claimCheck(entryOf({ value: { a: null } }), settings("$.detail.value.a"), "json")).toBeUndefined();
  });

  it("makes one key per record coordinates, so a redelivery overwrites", () => {
    expect(claimCheckKey("", { topic: "a-b.c_d", partition: 0, offset: 7 })).toBe("a-b.c_d/0/7");
    expect(claimCheck(entry, settings(), "json")?.object.key).toBe(
      claimCheck(
        entryOf({ topic: "orders", partition: 3, offset: 42, value: { other: 1 } }),
        settings(),
        "json",
      )?.object.key,
    );
  });
});
