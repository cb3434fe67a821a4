import { common, parse, Reader, Root, type Type, Writer } from "protobufjs";
import { describe, expect, it } from "vitest";
import type { DecimalFormat } from "../../../../lambda/env-names";
import { InvalidSchemaError, SchemaMismatchError } from "../../../../lambda/schema-registry/codec-error";
import { compile } from "../../../../lambda/schema-registry/codecs/protobuf";

const SCHEMA = `
syntax = "proto3";
package com.acme;

import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
import "google/type/date.proto";
import "common.proto";

enum Status { STATUS_UNKNOWN = 0; ACTIVE = 1; INACTIVE = 2; }

message Order {
  string id = 1;
  int32 i32 = 2;
  sint32 s32 = 3;
  uint32 u32 = 4;
  int64 i64 = 5;
  uint64 u64 = 6;
  sint64 s64 = 7;
  fixed64 f64 = 8;
  float f = 9;
  double d = 10;
  bool flag = 11;
  bytes raw = 12;
  Status status = 13;
  repeated int32 numbers = 14;
  repeated string tags = 15;
  map<string, int64> counts = 16;
  map<int32, string> names = 17;
  Line line = 18;
  repeated Line lines = 19;
  google.protobuf.Timestamp created = 20;
  google.protobuf.Duration ttl = 21;
  google.protobuf.StringValue note = 22;
  google.type.Date day = 23;
  optional string maybe = 24;
  oneof payment {
    string card = 25;
    int64 points = 26;
  }
  Money total = 27;

  message Line {
    string sku = 1;
    int32 qty = 2;
  }
  message Empty {}
}

message Refund {
  string order_id = 1;
  message Reason {
    string text = 1;
    message Detail { int32 code = 1; }
  }
}
`;

const COMMON = `
syntax = "proto3";
package com.acme;
message Money { string currency = 1; int64 units = 2; }
`;

const REFERENCES = new Map([["common.proto", COMMON]]);

/** The same schema loaded by protobufjs itself, to encode test payloads with the real library. */
function encoderRoot(): Root {
  const root = new Root();
  for (const name of [
    "google/protobuf/timestamp.proto",
    "google/protobuf/duration.proto",
    "google/protobuf/wrappers.proto",
  ]) {
    const file = (
      common as unknown as Record<string, { nested: Parameters<Root["addJSON"]>[0] } | undefined>
    )[name];
    if (file !== undefined) root.addJSON(file.nested);
  }
  parse(
    'syntax = "proto3"; package google.type; message Date { int32 year = 1; int32 month = 2; int32 day = 3; }',
    root,
  );
  parse(COMMON, root, { keepCase: true });
  parse(SCHEMA, root, { keepCase: true });
  root.resolveAll();
  return root;
}

const ROOT = encoderRoot();

function encode(name: string, value: Record<string, unknown>): Buffer {
  const type = ROOT.lookupType(name);
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

function render(
  payload: Buffer,
  indexes?: readonly number[],
  decimalFormat: DecimalFormat = "base64",
): string {
  return compile({ text: SCHEMA, references: REFERENCES }, { decimalFormat }).render(payload, indexes);
}

function order(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(render(encode("com.acme.Order", value))) as Record<string, unknown>;
}

describe("Protobuf rendering: one row per type of docs/schema-registry.md", () => {
  it("renders an empty message with every field at its Connect value: real oneofs first, then fields in order", () => {
    const json = render(encode("com.acme.Order", {}));
    expect(json).toBe(
      '{"payment_0":null,"id":"","i32":0,"s32":0,"u32":0,"i64":0,"u64":0,"s64":0,"f64":0,"f":0.0,"d":0.0,' +
        '"flag":false,"raw":"","status":"STATUS_UNKNOWN","numbers":[],"tags":[],"counts":{},"names":[],' +
        '"line":null,"lines":[],"created":null,"ttl":null,"note":null,"day":null,"maybe":null,"total":null}',
    );
  });

  it("renders integers exactly, unsigned 32-bit as unsigned, 64-bit unsigned as a Java long", () => {
    const json = order({
      i32: -5,
      s32: -2147483648,
      u32: 4294967295,
      i64: "9223372036854775807",
      u64: "18446744073709551615",
      s64: "-9223372036854775808",
      f64: "9007199254740993",
    });
    expect(json).toMatchObject({ i32: -5, s32: -2147483648, u32: 4294967295 });
    const text = render(
      encode("com.acme.Order", {
        i64: "9223372036854775807",
        u64: "18446744073709551615",
        s64: "-9223372036854775808",
        f64: "9007199254740993",
      }),
    );
    expect(text).toContain(
      '"i64":9223372036854775807,"u64":-1,"s64":-9223372036854775808,"f64":9007199254740993',
    );
  });

  it("renders float and double in Java's spelling", () => {
    const text = render(encode("com.acme.Order", { f: 1.1, d: 1e-7 }));
    expect(text).toContain('"f":1.1,"d":1.0E-7');
    expect(render(encode("com.acme.Order", { f: Number.NaN, d: -0 }))).toContain('"f":"NaN","d":-0.0');
  });

  it("renders strings, booleans and bytes (standard base64)", () => {
    expect(order({ id: "ü\n", flag: true, raw: Buffer.from([0xfb, 0xff]) })).toMatchObject({
      id: "ü\n",
      flag: true,
      raw: "+/8=",
    });
  });

  it("renders an enum by name, an unknown number as protobuf-java names it", () => {
    expect(order({ status: "INACTIVE" }).status).toBe("INACTIVE");
    const unknown = Buffer.from(
      new Writer()
        .uint32((13 << 3) | 0)
        .int32(7)
        .finish(),
    );
    expect(JSON.parse(render(unknown)).status).toBe("UNKNOWN_ENUM_VALUE_Status_7");
  });

  it("renders repeated fields as arrays, packed or not", () => {
    expect(order({ numbers: [3, -1, 2], tags: ["a", "b"] })).toMatchObject({
      numbers: [3, -1, 2],
      tags: ["a", "b"],
    });
    const unpacked = Buffer.from(
      new Writer()
        .uint32((14 << 3) | 0)
        .int32(4)
        .uint32((14 << 3) | 0)
        .int32(5)
        .finish(),
    );
    expect(JSON.parse(render(unpacked)).numbers).toEqual([4, 5]);
    const emptyPacked = Buffer.from(
      new Writer()
        .uint32((14 << 3) | 2)
        .uint32(0)
        .finish(),
    );
    expect(JSON.parse(render(emptyPacked)).numbers).toEqual([]);
  });

  it("renders a string-keyed map as an object, other keys as [key, value] pairs, in Java HashMap order", () => {
    const text = render(
      encode("com.acme.Order", { counts: { b: 2, a: "9007199254740993" }, names: { 20: "x", 3: "y" } }),
    );
    // HashMap(16): "a" (97) lands in bucket 1 before "b" (98); Integer 20 in bucket 4 after 3 in bucket 3.
    expect(text).toContain('"counts":{"a":9007199254740993,"b":2},"names":[[3,"y"],[20,"x"]]');
  });

  it("renders nested messages, unset ones as null, repeated ones as arrays", () => {
    expect(order({ line: { sku: "X", qty: 2 }, lines: [{ sku: "Y" }, {}] })).toMatchObject({
      line: { sku: "X", qty: 2 },
      lines: [
        { sku: "Y", qty: 0 },
        { sku: "", qty: 0 },
      ],
    });
  });

  it("merges a singular message written twice, as protobuf-java does", () => {
    const first = encode("com.acme.Order", { line: { sku: "X" } });
    const second = encode("com.acme.Order", { line: { qty: 3 } });
    expect(JSON.parse(render(Buffer.concat([first, second]))).line).toEqual({ sku: "X", qty: 3 });
  });

  it("renders a oneof as a struct named <oneof>_<index> with the set member and null for the others", () => {
    expect(order({ points: "12" }).payment_0).toEqual({ card: null, points: 12 });
    expect(order({ card: "visa" }).payment_0).toEqual({ card: "visa", points: null });
    // the last member written wins
    const both = Buffer.concat([
      encode("com.acme.Order", { card: "visa" }),
      encode("com.acme.Order", { points: 1 }),
    ]);
    expect(JSON.parse(render(both)).payment_0).toEqual({ card: null, points: 1 });
  });

  it("renders a proto3 optional field as null when unset, its value (even a default) when set", () => {
    expect(order({}).maybe).toBeNull();
    expect(order({ maybe: "" }).maybe).toBe("");
  });

  it("renders Timestamp as epoch milliseconds and google.type.Date as days since the epoch", () => {
    expect(order({ created: { seconds: 1_700_000_000, nanos: 123_999_999 } }).created).toBe(
      1_700_000_000_123,
    );
    expect(order({ created: { seconds: -1, nanos: 500_000_000 } }).created).toBe(-500);
    expect(order({ day: { year: 2024, month: 2, day: 29 } }).day).toBe(19782);
  });

  it("renders Duration and the wrappers as their message structs, as Connect does by default", () => {
    expect(order({ ttl: { seconds: 90, nanos: 5 } }).ttl).toEqual({ seconds: 90, nanos: 5 });
    expect(order({ note: { value: "hi" } }).note).toEqual({ value: "hi" });
    expect(order({ note: {} }).note).toEqual({ value: "" });
  });

  it("resolves imports from the references by import path", () => {
    expect(order({ total: { currency: "EUR", units: "5" } }).total).toEqual({ currency: "EUR", units: 5 });
  });
});

describe("Protobuf message indexes", () => {
  it("selects the first message for no index list, [] or [0]", () => {
    const payload = encode("com.acme.Order", { id: "o1" });
    for (const indexes of [undefined, [], [0]]) expect(JSON.parse(render(payload, indexes)).id).toBe("o1");
  });

  it("selects the second top-level message by [1]", () => {
    expect(render(encode("com.acme.Refund", { order_id: "o1" }), [1])).toBe('{"order_id":"o1"}');
  });

  it("selects nested messages by [1, 0] and [1, 0, 0], and [0, 1] past the first nested one", () => {
    expect(render(encode("com.acme.Refund.Reason", { text: "late" }), [1, 0])).toBe('{"text":"late"}');
    expect(render(encode("com.acme.Refund.Reason.Detail", { code: 4 }), [1, 0, 0])).toBe('{"code":4}');
    expect(render(Buffer.alloc(0), [0, 1])).toBe("{}");
  });

  it("throws SchemaMismatchError for indexes that name no message", () => {
    expect(() => render(Buffer.alloc(0), [2])).toThrow(SchemaMismatchError);
    expect(() => render(Buffer.alloc(0), [1, 5])).toThrow(SchemaMismatchError);
  });
});

describe("Protobuf bytes that do not match the schema", () => {
  const good = encode("com.acme.Order", { id: "abc", line: { sku: "X" }, i64: "-3", d: 2.5 });

  it("rejects every truncation of the payload that cuts a field", () => {
    // Cutting exactly between fields leaves a valid (shorter) message, as in protobuf itself.
    const boundaries = new Set<number>();
    const reader = Reader.create(good);
    while (reader.pos < good.length) {
      reader.skipType(reader.uint32() & 7);
      boundaries.add(reader.pos);
    }
    for (let length = 1; length < good.length; length += 1) {
      if (boundaries.has(length)) continue;
      expect(() => render(good.subarray(0, length)), `length ${length}`).toThrow(SchemaMismatchError);
    }
  });

  it("renders a payload that is a view past a wire header", () => {
    const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 7, 0]), good]).subarray(6);
    expect(render(framed)).toBe(render(Buffer.from(good)));
    expect(JSON.parse(render(framed)).line).toEqual({ sku: "X", qty: 0 });
  });

  it("rejects text that is not UTF-8", () => {
    const bad = Buffer.from(good);
    bad[2] = 0xff;
    expect(() => render(bad)).toThrow(/UTF-8 text at com.acme.Order.id/);
  });

  it("rejects an invalid wire type and a varint longer than 10 bytes", () => {
    expect(() => render(Buffer.from([(1 << 3) | 7, 0]))).toThrow(SchemaMismatchError);
    expect(() => render(Buffer.from([(2 << 3) | 0, ...Array(10).fill(0xff), 0x01]))).toThrow(
      SchemaMismatchError,
    );
  });

  it("skips unknown fields and known fields written with another wire type, as protobuf-java does", () => {
    const unknown = Buffer.from(
      new Writer()
        .uint32((99 << 3) | 2)
        .string("x")
        .uint32((1 << 3) | 0)
        .int32(5)
        .finish(),
    );
    expect(JSON.parse(render(unknown)).id).toBe("");
  });
});

describe("Protobuf schemas", () => {
  it("throws InvalidSchemaError for an import missing from the references", () => {
    expect(() => compile({ text: SCHEMA, references: new Map() }, { decimalFormat: "base64" })).toThrow(
      /common.proto/,
    );
  });

  it("throws InvalidSchemaError for text that is not a .proto schema", () => {
    expect(() => compile({ text: "message {", references: new Map() }, { decimalFormat: "base64" })).toThrow(
      InvalidSchemaError,
    );
  });

  it("renders proto2 optional fields as null when unset and required ones as mismatch when missing", () => {
    const text =
      'syntax = "proto2"; message P { optional int32 a = 1; required string b = 2; optional int32 c = 3 [default = 7]; }';
    const codec = compile({ text, references: new Map() }, { decimalFormat: "base64" });
    const type = parse(text, { keepCase: true }).root.lookupType("P") as Type;
    expect(codec.render(Buffer.from(type.encode({ b: "x" }).finish()))).toBe('{"a":null,"b":"x","c":null}');
    expect(() => codec.render(Buffer.alloc(0))).toThrow(/required field b/);
  });

  it("renders confluent.type.Decimal as base64 of the unscaled integer, or a number with DECIMAL_FORMAT=numeric", () => {
    const text =
      'syntax = "proto3"; import "confluent/type/decimal.proto"; message M { confluent.type.Decimal amount = 1; }';
    const decimal = new Writer()
      .uint32((1 << 3) | 2)
      .bytes(Buffer.from([0x12, 0xd6, 0x87]))
      .uint32((3 << 3) | 0)
      .int32(2)
      .finish();
    const payload = Buffer.from(
      new Writer()
        .uint32((1 << 3) | 2)
        .bytes(decimal)
        .finish(),
    );
    const codec = (decimalFormat: DecimalFormat) =>
      compile({ text, references: new Map() }, { decimalFormat });
    expect(codec("base64").render(payload)).toBe('{"amount":"EtaH"}');
    expect(codec("numeric").render(payload)).toBe('{"amount":12345.67}');
  });

  it("renders google.type.TimeOfDay as milliseconds of the day, and rejects invalid logical values", () => {
    const text =
      'syntax = "proto3"; import "google/type/timeofday.proto"; import "google/protobuf/timestamp.proto"; import "google/type/date.proto";' +
      " message M { google.type.TimeOfDay at = 1; google.protobuf.Timestamp ts = 2; google.type.Date day = 3; }";
    const codec = compile({ text, references: new Map() }, { decimalFormat: "base64" });
    const time = new Writer()
      .uint32(8)
      .int32(12)
      .uint32(16)
      .int32(34)
      .uint32(24)
      .int32(56)
      .uint32(32)
      .int32(789_000_000)
      .finish();
    expect(
      codec.render(
        Buffer.from(
          new Writer()
            .uint32((1 << 3) | 2)
            .bytes(time)
            .finish(),
        ),
      ),
    ).toBe('{"at":45296789,"ts":null,"day":null}');
    const badTimestamp = new Writer().uint32(8).int64(253_402_300_800).finish();
    expect(() =>
      codec.render(
        Buffer.from(
          new Writer()
            .uint32((2 << 3) | 2)
            .bytes(badTimestamp)
            .finish(),
        ),
      ),
    ).toThrow(/Timestamp within/);
    const badDate = new Writer().uint32(8).int32(2023).uint32(16).int32(2).uint32(24).int32(29).finish();
    expect(() =>
      codec.render(
        Buffer.from(
          new Writer()
            .uint32((3 << 3) | 2)
            .bytes(badDate)
            .finish(),
        ),
      ),
    ).toThrow(/valid calendar Date/);
  });

  it("resolves the well-known google/type and confluent imports without references", () => {
    const files = [
      "money",
      "latlng",
      "fraction",
      "quaternion",
      "expr",
      "localized_text",
      "decimal",
      "dayofweek",
      "month",
      "calendar_period",
      "interval",
      "datetime",
      "color",
      "postal_address",
      "phone_number",
    ];
    const text = `syntax = "proto3"; ${files.map((f) => `import "google/type/${f}.proto";`).join(" ")}
      import "confluent/meta.proto";
      message M { google.type.Money price = 1 [(confluent.field_meta) = { doc: "price" }]; google.type.DayOfWeek day = 2; }`;
    const codec = compile({ text, references: new Map() }, { decimalFormat: "base64" });
    const money = new Writer()
      .uint32(10)
      .string("EUR")
      .uint32(16)
      .int64(12)
      .uint32(24)
      .int32(500_000_000)
      .finish();
    const payload = Buffer.from(new Writer().uint32(10).bytes(money).uint32(16).int32(5).finish());
    expect(codec.render(payload)).toBe(
      '{"price":{"currency_code":"EUR","units":12,"nanos":500000000},"day":"FRIDAY"}',
    );
  });

  it("leaves a proto2 (closed) enum field unset for an unknown number", () => {
    const text =
      'syntax = "proto2"; enum E { A = 1; B = 2; } message M { optional E e = 1; required E r = 2; }';
    const codec = compile({ text, references: new Map() }, { decimalFormat: "base64" });
    const payload = Buffer.from(new Writer().uint32(8).int32(9).uint32(16).int32(2).finish());
    expect(codec.render(payload)).toBe('{"e":null,"r":"B"}');
  });

  it("renders a whole value that is a wrapper message (a raw primitive) as its bare value", () => {
    const text =
      'syntax = "proto3"; package google.protobuf; message DoubleValue { double value = 1; } message StringValue { string value = 1; }';
    const codec = compile({ text, references: new Map() }, { decimalFormat: "base64" });
    const type = parse(text, { keepCase: true }).root.lookupType("google.protobuf.StringValue");
    expect(codec.render(Buffer.from(type.encode({ value: "hi" }).finish()), [1])).toBe('"hi"');
    expect(codec.render(Buffer.alloc(0), [0])).toBe("0.0");
  });
});
