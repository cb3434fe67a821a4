import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseWireFrame, readSchemaRef, schemaKey } from "../../../lambda/schema-registry/wire-format";

const VERSION_ID = "b7b4a7f0-0f4c-4b8e-9a66-3c0e2f1d5a42";
const BODY = Buffer.from([0x02, 0x06, 0x66, 0x6f, 0x6f]);

function confluent(id: number, ...rest: (number[] | Buffer)[]): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, ...rest.map((part) => Buffer.from(part))]);
}

function glue(compression: number, payload: Buffer, versionId = VERSION_ID): Buffer {
  return Buffer.concat([
    Buffer.from([3, compression]),
    Buffer.from(versionId.replaceAll("-", ""), "hex"),
    payload,
  ]);
}

describe("Confluent wire format", () => {
  it("reads the big-endian schema id after the magic byte and keeps the rest as the body", () => {
    const frame = parseWireFrame(confluent(0x01020304, BODY), "avro");
    expect(frame).toEqual({ schema: { registry: "confluent", id: 16909060 }, body: BODY });
  });

  it("reads the largest id (2^32 - 1) as an unsigned integer", () => {
    expect(readSchemaRef(confluent(0xffffffff))).toEqual({ registry: "confluent", id: 4294967295 });
  });

  it("takes a single 0 byte after the id as Protobuf message index [0]", () => {
    const frame = parseWireFrame(confluent(7, [0], BODY), "protobuf");
    expect(frame).toMatchObject({ messageIndexes: [0], body: BODY });
  });

  it("reads a Protobuf message-index list of zig-zag varints (count 2: [1, 0])", () => {
    // count 2 -> zig-zag 4; index 1 -> 2; index 0 -> 0
    const frame = parseWireFrame(confluent(7, [4, 2, 0], BODY), "protobuf");
    expect(frame).toMatchObject({ messageIndexes: [1, 0], body: BODY });
  });

  it("reads multi-byte varint indexes (index 300)", () => {
    // count 1 -> 2; 300 -> zig-zag 600 = 0xd8 0x04
    const frame = parseWireFrame(confluent(7, [2, 0xd8, 0x04], BODY), "protobuf");
    expect(frame).toMatchObject({ messageIndexes: [300], body: BODY });
  });

  it("does not read message indexes for Avro and JSON Schema", () => {
    expect(parseWireFrame(confluent(7, [0], BODY), "json-schema")).toEqual({
      schema: { registry: "confluent", id: 7 },
      body: Buffer.concat([Buffer.from([0]), BODY]),
    });
  });

  it.each([
    ["a truncated id", Buffer.from([0, 0, 1])],
    ["only the magic byte", Buffer.from([0])],
  ])("is poison with %s", (_, bytes) => {
    const frame = parseWireFrame(bytes, "avro");
    expect(frame).toMatchObject({ ok: false, code: "InvalidWireFormat" });
    expect("expected" in frame && frame.expected).toMatch(/too short for a Confluent header/);
  });

  it.each([
    ["a truncated message-index list", confluent(7, [4, 2])],
    ["a varint that never ends", confluent(7, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80])],
    ["a negative count", confluent(7, [3])],
    ["no list at all", confluent(7)],
  ])("is poison for Protobuf with %s", (_, bytes) => {
    expect(parseWireFrame(bytes, "protobuf")).toMatchObject({ ok: false, code: "InvalidWireFormat" });
  });
});

describe("AWS Glue wire format", () => {
  it("reads the schema version UUID and an uncompressed body", () => {
    expect(parseWireFrame(glue(0, BODY), "avro")).toEqual({
      schema: { registry: "glue", versionId: VERSION_ID },
      body: BODY,
    });
  });

  it("inflates a zlib body (compression byte 5) to the same frame", () => {
    const big = Buffer.alloc(10_000, 7);
    expect(parseWireFrame(glue(5, deflateSync(big)), "avro")).toEqual({
      schema: { registry: "glue", versionId: VERSION_ID },
      body: big,
    });
  });

  it("reads Glue's Protobuf message index (one unsigned varint) after inflating", () => {
    const payload = Buffer.concat([Buffer.from([0x96, 0x01]), BODY]); // 150
    expect(parseWireFrame(glue(5, deflateSync(payload)), "protobuf")).toMatchObject({
      glueMessageIndex: 150,
      body: BODY,
    });
  });

  it("reads the version id from the header alone, without inflating", () => {
    expect(readSchemaRef(glue(5, Buffer.from("not zlib")))).toEqual({
      registry: "glue",
      versionId: VERSION_ID,
    });
  });

  it.each([
    ["a truncated UUID", Buffer.from([3, 0, 1, 2, 3])],
    ["an unknown compression byte", glue(1, BODY)],
    ["corrupt zlib data", glue(5, Buffer.from("definitely not zlib"))],
    ["truncated zlib data", glue(5, deflateSync(Buffer.from("x".repeat(1000))).subarray(0, 8))],
  ])("is poison with %s", (_, bytes) => {
    expect(parseWireFrame(bytes, "avro")).toMatchObject({ ok: false, code: "InvalidWireFormat" });
  });

  it("is poison for Protobuf without its message index", () => {
    expect(parseWireFrame(glue(0, Buffer.alloc(0)), "protobuf")).toMatchObject({
      ok: false,
      code: "InvalidWireFormat",
    });
  });
});

describe("payloads with no registry header", () => {
  it.each([
    ["plain JSON", Buffer.from('{"a":1}')],
    ["raw Avro", Buffer.from([0x02, 0x06])],
    ["no bytes", Buffer.alloc(0)],
  ])("are poison (%s), naming both headers", (_, bytes) => {
    const frame = readSchemaRef(bytes);
    expect(frame).toMatchObject({ ok: false, code: "InvalidWireFormat" });
    expect("expected" in frame && frame.expected).toMatch(/Confluent header.*AWS Glue header/);
  });
});

describe("schemaKey", () => {
  it("keys schemas by registry and id, so a Confluent id and a Glue version never collide", () => {
    expect(schemaKey({ registry: "confluent", id: 1 })).not.toBe(
      schemaKey({ registry: "glue", versionId: "1" }),
    );
    expect(schemaKey({ registry: "confluent", id: 1 })).toBe(schemaKey({ registry: "confluent", id: 1 }));
  });
});
