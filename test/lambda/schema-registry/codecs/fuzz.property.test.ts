import avsc from "avsc/etc/browser/avsc-types.js";
import fc from "fast-check";
import { common, parse, Root } from "protobufjs";
import { describe, expect, it } from "vitest";
import { SchemaMismatchError } from "../../../../lambda/schema-registry/codec-error";
import { compile as compileAvro } from "../../../../lambda/schema-registry/codecs/avro";
import type { Codec } from "../../../../lambda/schema-registry/codecs/codec";
import { compile as compileJsonSchema } from "../../../../lambda/schema-registry/codecs/json-schema";
import { compile as compileProtobuf } from "../../../../lambda/schema-registry/codecs/protobuf";

const options = { decimalFormat: "numeric" } as const;
const none = new Map<string, string>();

const AVRO_SCHEMA = {
  type: "record",
  name: "R",
  fields: [
    { name: "s", type: "string" },
    { name: "l", type: "long" },
    { name: "f", type: "float" },
    { name: "u", type: ["null", "int", { type: "enum", name: "E", symbols: ["A", "B"] }] },
    { name: "m", type: { type: "map", values: { type: "array", items: "double" } } },
    { name: "d", type: { type: "bytes", logicalType: "decimal", precision: 20, scale: 3 } },
    { name: "t", type: { type: "int", logicalType: "time-millis" } },
    { name: "x", type: { type: "fixed", name: "X", size: 3 } },
  ],
};
const AVRO = compileAvro({ text: JSON.stringify(AVRO_SCHEMA), references: none }, options);

const PROTO_TEXT = `syntax = "proto3"; import "google/protobuf/timestamp.proto";
      enum E { Z = 0; O = 1; }
      message M { string s = 1; sint64 l = 2; float f = 3; repeated fixed32 r = 4; map<int64, M> m = 5;
        oneof o { bytes b = 6; E e = 7; } google.protobuf.Timestamp t = 8; optional double d = 9; }`;
const PROTOBUF = compileProtobuf({ text: PROTO_TEXT, references: none }, options);

const JSON_SCHEMA = compileJsonSchema({ text: "{}", references: none }, options);

/** Renders and checks the outcome is JSON text or a SchemaMismatchError, never another failure. */
function renderOrMismatch(codec: Codec, bytes: Uint8Array): void {
  let json: string;
  try {
    json = codec.render(Buffer.from(bytes));
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaMismatchError);
    return;
  }
  expect(() => JSON.parse(json)).not.toThrow();
}

describe("codecs on arbitrary bytes", () => {
  it.each([
    ["Avro", AVRO],
    ["Protobuf", PROTOBUF],
    ["JSON Schema", JSON_SCHEMA],
  ])("%s renders valid JSON or throws SchemaMismatchError, nothing else", (_name, codec) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => renderOrMismatch(codec, bytes)),
      { numRuns: 3000 },
    );
  });

  /** A valid payload with a few bytes overwritten, inserted or removed. */
  function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
    const edit = fc.tuple(
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom("set", "insert", "delete"),
    );
    return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([bytes, edits]) => {
      const out = [...bytes];
      for (const [at, value, kind] of edits) {
        const i = out.length === 0 ? 0 : at % out.length;
        if (kind === "set") out[i] = value;
        else if (kind === "insert") out.splice(i, 0, value);
        else out.splice(i, 1);
      }
      return Uint8Array.from(out);
    });
  }

  it("Avro: payloads of the real encoder, mutated, render or throw SchemaMismatchError", () => {
    const type = avsc.Type.forSchema(AVRO_SCHEMA as never, { wrapUnions: true });
    const valid = fc.integer().map(() => new Uint8Array(type.toBuffer(type.random())));
    fc.assert(
      fc.property(mutated(valid), (bytes) => renderOrMismatch(AVRO, bytes)),
      { numRuns: 2000 },
    );
  });

  it("Protobuf: payloads of the real encoder render; mutated, they render or throw SchemaMismatchError", () => {
    const root = new Root();
    const timestamp = (
      common as unknown as Record<string, { nested: Parameters<Root["addJSON"]>[0] } | undefined>
    )["google/protobuf/timestamp.proto"];
    if (timestamp !== undefined) root.addJSON(timestamp.nested);
    parse(PROTO_TEXT, root, { keepCase: true });
    const type = root.lookupType("M");
    const message = fc.record({
      s: fc.string(),
      l: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
      f: fc.float({ noNaN: true }),
      r: fc.array(fc.nat({ max: 2 ** 32 - 1 })),
      b: fc.uint8Array({ maxLength: 8 }),
      d: fc.double({ noNaN: true }),
      t: fc.record({ seconds: fc.integer({ min: -1e10, max: 1e10 }), nanos: fc.nat({ max: 999_999_999 }) }),
    });
    const valid = message.map((value) => type.encode(type.fromObject(value)).finish());
    fc.assert(
      fc.property(valid, (bytes) => {
        expect(() => JSON.parse(PROTOBUF.render(Buffer.from(bytes)))).not.toThrow();
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(mutated(valid), (bytes) => renderOrMismatch(PROTOBUF, bytes)),
      { numRuns: 2000 },
    );
  });
});
