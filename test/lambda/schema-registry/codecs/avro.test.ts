import { type Schema, Type, types } from "avsc";
import { describe, expect, it } from "vitest";
import type { DecimalFormat } from "../../../../lambda/env-names";
import { InvalidSchemaError, SchemaMismatchError } from "../../../../lambda/schema-registry/codec-error";
import { compile } from "../../../../lambda/schema-registry/codecs/avro";

/** avsc's long as a BigInt, so test payloads can hold every 64-bit value. */
const bigLong = types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n: unknown) => typeof n === "bigint",
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

/** The payload as the real avsc encoder writes it (unions wrapped: `{ "int": 17 }`). */
function encode(schema: Schema, value: unknown, references: Schema[] = []): Buffer {
  const registry: Record<string, Type> = { long: bigLong };
  const typeHook = (attrs: Schema) =>
    typeof attrs === "object" && (attrs as { type?: unknown }).type === "long" ? bigLong : undefined;
  const options = { registry, wrapUnions: true, typeHook };
  for (const reference of references) Type.forSchema(reference, options);
  return Type.forSchema(schema, options).toBuffer(value);
}

function render(
  schema: Schema,
  payload: Buffer,
  decimalFormat: DecimalFormat = "base64",
  references = new Map<string, string>(),
): string {
  return compile({ text: JSON.stringify(schema), references }, { decimalFormat }).render(payload);
}

/** Renders what avsc encodes for `value` under `schema`. */
function roundTrip(schema: Schema, value: unknown, decimalFormat: DecimalFormat = "base64"): string {
  return render(schema, encode(schema, value), decimalFormat);
}

function field(type: Schema): Schema {
  return { type: "record", name: "R", fields: [{ name: "v", type }] } as Schema;
}

/** Renders `{ v: value }` and returns the JSON text of v. */
function one(type: Schema, value: unknown, decimalFormat: DecimalFormat = "base64"): string {
  const json = roundTrip(field(type), { v: value }, decimalFormat);
  expect(json.startsWith('{"v":')).toBe(true);
  return json.slice('{"v":'.length, -1);
}

const INNER = {
  type: "record",
  name: "com.acme.Inner",
  fields: [{ name: "x", type: "int" }],
} as Schema;

describe("Avro rendering: one row per type of docs/schema-registry.md", () => {
  it("writes record fields in schema order, whatever order the value lists them in", () => {
    const schema = {
      type: "record",
      name: "Order",
      fields: [
        { name: "zeta", type: "string" },
        { name: "alpha", type: "int" },
        { name: "ok", type: "boolean" },
      ],
    } as Schema;
    expect(roundTrip(schema, { ok: true, alpha: -42, zeta: 'a "quoted" é\n' })).toBe(
      '{"zeta":"a \\"quoted\\" é\\n","alpha":-42,"ok":true}',
    );
  });

  it.each([
    [2147483647, "2147483647"],
    [-2147483648, "-2147483648"],
  ])("renders int %d as it is", (value, json) => {
    expect(one("int", value)).toBe(json);
  });

  it.each([
    [9223372036854775807n, "9223372036854775807"],
    [-9223372036854775808n, "-9223372036854775808"],
    [9007199254740993n, "9007199254740993"],
    [-1n, "-1"],
    [0n, "0"],
  ])("renders long %s with exact digits", (value, json) => {
    expect(one("long", value)).toBe(json);
  });

  it.each([
    [1.1, "1.1"],
    [3.4028234663852886e38, "3.4028235E38"],
    [-0, "-0.0"],
    [1e-5, "1.0E-5"],
    [Number.NaN, '"NaN"'],
    [Infinity, '"Infinity"'],
  ])("renders float %d in Java's Float.toString spelling", (value, json) => {
    expect(one("float", value)).toBe(json);
  });

  it.each([
    [1.1, "1.1"],
    [1e-7, "1.0E-7"],
    [123456789.12345679, "1.2345678912345679E8"],
    [-0, "-0.0"],
    [100, "100.0"],
    [Number.NaN, '"NaN"'],
    [-Infinity, '"-Infinity"'],
  ])("renders double %d in Java's Double.toString spelling", (value, json) => {
    expect(one("double", value)).toBe(json);
  });

  it("renders bytes and fixed as standard base64", () => {
    expect(one("bytes", Buffer.from([0xfb, 0xff, 0xfe]))).toBe('"+//+"');
    expect(one("bytes", Buffer.alloc(0))).toBe('""');
    expect(one({ type: "fixed", name: "Id", size: 4 }, Buffer.from([1, 2, 3, 0xff]))).toBe('"AQID/w=="');
  });

  it("renders an enum as its symbol", () => {
    expect(one({ type: "enum", name: "Color", symbols: ["RED", "GREEN"] }, "GREEN")).toBe('"GREEN"');
  });

  it("renders arrays, nested records and an empty record as plain JSON", () => {
    expect(one({ type: "array", items: "int" }, [1, 2, 3])).toBe("[1,2,3]");
    expect(one({ type: "array", items: "string" }, [])).toBe("[]");
    expect(one(INNER, { x: 7 })).toBe('{"x":7}');
    expect(one({ type: "record", name: "Empty", fields: [] }, {})).toBe("{}");
  });

  it("renders a map in the iteration order of the Java HashMap the connector copies it into", () => {
    const keys = Array.from({ length: 17 }, (_, i) => `k${i}`);
    const value = Object.fromEntries(keys.map((key, i) => [key, i]));
    // OpenJDK 17 iterates these 17 keys, put in this order into HashMap(17) twice, like this:
    const javaOrder = "k0,k1,k2,k3,k4,k5,k11,k6,k10,k7,k13,k8,k12,k9,k15,k14,k16".split(",");
    const json = one({ type: "map", values: "int" }, value);
    expect(json).toBe(`{${javaOrder.map((key) => `"${key}":${key.slice(1)}`).join(",")}}`);
    expect(one({ type: "map", values: "long" }, {})).toBe("{}");
  });

  it("orders non-ASCII map keys as Avro's Utf8 keys then Java String keys hash them", () => {
    const keys = ["zeta", "alpha", "mid", "b", "aa", "Ω", "ключ", "key10", "key2", "日本", "émile", "Zoë"];
    const value = Object.fromEntries(keys.map((key) => [key, 0]));
    // OpenJDK 17: put into HashMap(12) with Utf8.hashCode keys, copied into HashMap(12) with String keys.
    const javaOrder = "zeta,aa,key2,b,ключ,alpha,Zoë,émile,Ω,mid,日本,key10".split(",");
    expect(Object.keys(JSON.parse(one({ type: "map", values: "int" }, value)))).toEqual(javaOrder);
  });

  it('unwraps ["null", X]: null or the value', () => {
    expect(one(["null", "string"], null)).toBe("null");
    expect(one(["null", "string"], { string: "a" })).toBe('"a"');
    expect(one(["long", "null"], { long: 5n })).toBe("5");
  });

  it("renders a multi-branch union as one field per branch, named by type or record simple name", () => {
    const union = ["int", "string", INNER] as Schema;
    expect(one(union, { int: 17 })).toBe('{"int":17,"string":null,"Inner":null}');
    expect(one(union, { string: "s" })).toBe('{"int":null,"string":"s","Inner":null}');
    expect(one(union, { "com.acme.Inner": { x: 1 } })).toBe('{"int":null,"string":null,"Inner":{"x":1}}');
  });

  it("renders a union with null and several branches as null or the branch object", () => {
    const union = ["null", "long", "double"] as Schema;
    expect(one(union, null)).toBe("null");
    expect(one(union, { double: 2.5 })).toBe('{"long":null,"double":2.5}');
  });

  it("names array, map, bytes, boolean, float and logical branches by their Avro type", () => {
    const union = [
      "boolean",
      { type: "array", items: "int" },
      { type: "map", values: "int" },
      "bytes",
      "float",
      { type: "int", logicalType: "date" },
    ] as Schema;
    const nulls = { boolean: null, array: null, map: null, bytes: null, float: null, int: null };
    expect(JSON.parse(one(union, { array: [1] }))).toEqual({ ...nulls, array: [1] });
    expect(JSON.parse(one(union, { map: { a: 1 } }))).toEqual({ ...nulls, map: { a: 1 } });
    expect(JSON.parse(one(union, { int: 19000 }))).toEqual({ ...nulls, int: 19000 });
    expect(one(union, { float: 1.1 })).toBe(
      '{"boolean":null,"array":null,"map":null,"bytes":null,"float":1.1,"int":null}',
    );
  });

  it("puts a string value in an enum branch listed before string, as AvroData matches by Connect type", () => {
    const union = [{ type: "enum", name: "com.acme.Color", symbols: ["RED"] }, "string"] as Schema;
    expect(one(union, { string: "x" })).toBe('{"Color":"x","string":null}');
    expect(one(union, { "com.acme.Color": "RED" })).toBe('{"Color":"RED","string":null}');
  });

  it('puts a fixed value in the "bytes" field when the union has one, else in "fixed"', () => {
    const fixed = { type: "fixed", name: "Hash", size: 2 };
    expect(one(["bytes", fixed] as Schema, { Hash: Buffer.from([1, 2]) })).toBe(
      '{"bytes":"AQI=","fixed":null}',
    );
    expect(one(["int", fixed] as Schema, { Hash: Buffer.from([1, 2]) })).toBe('{"int":null,"fixed":"AQI="}');
  });

  it("does not substitute a field's default for a written null", () => {
    const schema = {
      type: "record",
      name: "D",
      fields: [{ name: "v", type: ["null", "string"], default: null }],
    } as Schema;
    const withDefault = {
      type: "record",
      name: "D",
      fields: [{ name: "v", type: ["string", "null"], default: "fallback" }],
    } as Schema;
    expect(roundTrip(schema, { v: null })).toBe('{"v":null}');
    expect(roundTrip(withDefault, { v: null })).toBe('{"v":null}');
  });

  describe("decimal", () => {
    const bytesDecimal = { type: "bytes", logicalType: "decimal", precision: 9, scale: 2 } as Schema;
    const fixedDecimal = {
      type: "fixed",
      name: "Money",
      size: 8,
      logicalType: "decimal",
      precision: 18,
      scale: 2,
    };

    it("renders base64 of the minimal two's-complement unscaled integer, scale dropped", () => {
      expect(one(bytesDecimal, Buffer.from([0x12, 0xd6, 0x87]))).toBe('"EtaH"'); // 12345.67
      expect(one(bytesDecimal, Buffer.from([0x00, 0x00, 0x12, 0xd6, 0x87]))).toBe('"EtaH"');
      expect(one(bytesDecimal, Buffer.from([0xff, 0xff]))).toBe('"/w=="'); // -0.01
      expect(one(bytesDecimal, Buffer.from([0x00, 0x80]))).toBe('"AIA="'); // 1.28 keeps its sign byte
      expect(one(fixedDecimal as Schema, Buffer.from([0, 0, 0, 0, 0, 0x12, 0xd6, 0x87]))).toBe('"EtaH"');
      expect(one(fixedDecimal as Schema, Buffer.alloc(8, 0xff))).toBe('"/w=="');
    });

    it("renders an exact number with its scale when DECIMAL_FORMAT=numeric", () => {
      expect(one(bytesDecimal, Buffer.from([0x12, 0xd6, 0x87]), "numeric")).toBe("12345.67");
      expect(one(bytesDecimal, Buffer.from([0xff]), "numeric")).toBe("-0.01");
      expect(one(bytesDecimal, Buffer.from([0x96]), "numeric")).toBe("-1.06");
      expect(one(bytesDecimal, Buffer.from([0x00]), "numeric")).toBe("0.00");
      expect(one(bytesDecimal, Buffer.from([0x01, 0x2c]), "numeric")).toBe("3.00");
      expect(one(fixedDecimal as Schema, Buffer.from("7fffffffffffffff", "hex"), "numeric")).toBe(
        "92233720368547758.07",
      );
      const integer = { type: "bytes", logicalType: "decimal", precision: 30, scale: 0 } as Schema;
      expect(one(integer, Buffer.from("0100000000000000000000", "hex"), "numeric")).toBe(
        "1208925819614629174706176",
      );
    });

    it("treats a decimal with no bytes as a mismatch (Java's BigInteger rejects it)", () => {
      expect(() => one(bytesDecimal, Buffer.alloc(0))).toThrow(SchemaMismatchError);
    });
  });

  it("renders date as days, time-millis as ms of day, timestamp-millis as epoch ms, micros raw, uuid as text", () => {
    expect(one({ type: "int", logicalType: "date" }, -719162)).toBe("-719162");
    expect(one({ type: "int", logicalType: "time-millis" }, 86_399_999)).toBe("86399999");
    expect(one({ type: "long", logicalType: "timestamp-millis" }, 1_700_000_000_123n)).toBe("1700000000123");
    expect(one({ type: "long", logicalType: "time-micros" }, 86_399_999_999n)).toBe("86399999999");
    expect(one({ type: "long", logicalType: "timestamp-micros" }, 9223372036854775807n)).toBe(
      "9223372036854775807",
    );
    const uuid = "1f0e7c52-8a3b-4f2e-9d6c-0b1a2c3d4e5f";
    expect(one({ type: "string", logicalType: "uuid" }, uuid)).toBe(`"${uuid}"`);
  });

  it("renders an invalid or unknown logical type as its underlying type", () => {
    expect(one({ type: "string", logicalType: "decimal", precision: 4, scale: 2 }, "12.5")).toBe('"12.5"');
    expect(one({ type: "long", logicalType: "local-timestamp-millis" }, 5n)).toBe("5");
    expect(one({ type: "long", logicalType: "date" }, 7n)).toBe("7");
  });

  it("renders a time-millis outside one day as a mismatch (Connect's Time rejects it)", () => {
    expect(() => one({ type: "int", logicalType: "time-millis" }, 86_400_001)).toThrow(SchemaMismatchError);
  });

  it("renders a top-level primitive schema", () => {
    expect(roundTrip("string", "plain")).toBe('"plain"');
    expect(roundTrip("long", 42n)).toBe("42");
  });

  it("renders a recursive schema", () => {
    const node = {
      type: "record",
      name: "Node",
      fields: [
        { name: "value", type: "int" },
        { name: "next", type: ["null", "Node"] },
      ],
    } as Schema;
    const list = { value: 1, next: { Node: { value: 2, next: null } } };
    expect(roundTrip(node, list)).toBe('{"value":1,"next":{"value":2,"next":null}}');
  });

  it("renders arrays written in blocks with byte sizes (negative counts)", () => {
    // [1, 2] as one block of -2 items with its byte size 2, then the end marker.
    const payload = Buffer.from([0x03, 0x04, 0x02, 0x04, 0x00]);
    expect(render(field({ type: "array", items: "int" }), payload)).toBe('{"v":[1,2]}');
  });
});

describe("Avro schema references", () => {
  const address = {
    type: "record",
    name: "com.acme.Address",
    fields: [
      { name: "city", type: "string" },
      { name: "country", type: "com.acme.Country" },
    ],
  } as Schema;
  const country = { type: "enum", name: "com.acme.Country", symbols: ["FR", "DE"] } as Schema;
  const customer = {
    type: "record",
    name: "com.acme.Customer",
    fields: [
      { name: "name", type: "string" },
      { name: "address", type: "com.acme.Address" },
    ],
  } as Schema;

  it("resolves named types from the referenced schemas, in whatever order they come", () => {
    const references = new Map([
      ["com.acme.Address", JSON.stringify(address)],
      ["com.acme.Country", JSON.stringify(country)],
    ]);
    const payload = encode(customer, { name: "Ada", address: { city: "Paris", country: "FR" } }, [
      country,
      address,
    ]);
    expect(render(customer, payload, "base64", references)).toBe(
      '{"name":"Ada","address":{"city":"Paris","country":"FR"}}',
    );
  });

  it("throws InvalidSchemaError when a referenced name is missing", () => {
    const references = new Map([["com.acme.Address", JSON.stringify(address)]]);
    expect(() =>
      compile({ text: JSON.stringify(customer), references }, { decimalFormat: "base64" }),
    ).toThrow(InvalidSchemaError);
  });

  it("throws InvalidSchemaError for a schema that is not Avro", () => {
    const compileText = (text: string) => () =>
      compile({ text, references: new Map() }, { decimalFormat: "base64" });
    expect(compileText("{not json")).toThrow(InvalidSchemaError);
    expect(compileText('{"type":"record","name":"R"}')).toThrow(InvalidSchemaError);
  });

  it("throws InvalidSchemaError for a union the connector cannot name (two fixed branches)", () => {
    const union = [
      { type: "fixed", name: "A", size: 1 },
      { type: "fixed", name: "B", size: 2 },
    ];
    expect(() =>
      compile(
        { text: JSON.stringify(field(union as Schema)), references: new Map() },
        { decimalFormat: "base64" },
      ),
    ).toThrow(/two branches/);
  });
});

describe("Avro bytes that do not match the schema", () => {
  const schema = {
    type: "record",
    name: "R",
    fields: [
      { name: "s", type: "string" },
      { name: "u", type: ["null", "int", "string"] },
      { name: "e", type: { type: "enum", name: "E", symbols: ["A", "B"] } },
      { name: "b", type: "boolean" },
    ],
  } as Schema;
  const good = encode(schema, { s: "hi", u: { int: 3 }, e: "B", b: true });

  function mismatch(payload: Buffer): SchemaMismatchError {
    try {
      render(schema, payload);
    } catch (error) {
      expect(error).toBeInstanceOf(SchemaMismatchError);
      return error as SchemaMismatchError;
    }
    throw new Error("rendered bytes that do not match the schema");
  }

  it("renders the well-formed payload", () => {
    expect(render(schema, good)).toBe('{"s":"hi","u":{"int":3,"string":null},"e":"B","b":true}');
  });

  it("renders a payload that is a view past a wire header", () => {
    const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), good]).subarray(5);
    expect(render(schema, framed)).toBe('{"s":"hi","u":{"int":3,"string":null},"e":"B","b":true}');
  });

  it("rejects every truncation of the payload", () => {
    for (let length = 0; length < good.length; length += 1) {
      expect(mismatch(good.subarray(0, length)).code).toBe("SchemaMismatch");
    }
  });

  it("rejects trailing bytes", () => {
    expect(mismatch(Buffer.concat([good, Buffer.from([0])])).message).toMatch(/end at byte/);
  });

  it("rejects a union index out of range", () => {
    const bad = Buffer.from(good);
    bad[3] = 0x06; // union index 3 of 3 branches
    expect(mismatch(bad).message).toMatch(/union index below 3 at \$\.u/);
  });

  it("rejects an enum index out of range", () => {
    const bad = Buffer.from(good);
    bad[5] = 0x04; // index 2 of 2 symbols
    expect(mismatch(bad).message).toMatch(/enum index below 2/);
  });

  it("rejects a boolean byte other than 0 or 1", () => {
    const bad = Buffer.from(good);
    bad[6] = 0x02;
    expect(mismatch(bad).message).toMatch(/boolean/);
  });

  it("rejects text that is not UTF-8", () => {
    const bad = Buffer.from(good);
    bad[1] = 0xff;
    expect(mismatch(bad).message).toMatch(/UTF-8 text at \$\.s/);
  });

  it("rejects a negative length and a varint longer than 10 bytes", () => {
    expect(mismatch(Buffer.from([0x01, 0x00])).message).toMatch(/non-negative length/);
    expect(mismatch(Buffer.concat([Buffer.alloc(10, 0xff), Buffer.from([0x01])])).message).toMatch(/varint/);
  });

  it("rejects a block count larger than the payload could hold", () => {
    const array = field({ type: "array", items: "int" });
    expect(() => render(array, Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f, 0x00]))).toThrow(/block count/);
  });
});
