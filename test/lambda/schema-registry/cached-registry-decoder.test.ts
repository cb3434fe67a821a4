import avro from "avsc";
import protobuf from "protobufjs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RegistryFormat } from "../../../lambda/env-names";
import { registryDecoder } from "../../../lambda/schema-registry/cached-registry-decoder";
import { confluentSchemaRegistry } from "../../../lambda/schema-registry/confluent-client";
import type { RegistryPayload } from "../../../lambda/schema-registry/registry-decoder";
import { UnknownSchemaError } from "../../../lambda/schema-registry/registry-errors";
import type { RegistrySchema, SchemaSources } from "../../../lambda/schema-registry/registry-schema";
import { type ScriptedRegistry, scriptedRegistry } from "./scripted-registry";
import { confluentFrame, glueFrame, testCodecLoader } from "./test-codecs";

const ORDER: avro.schema.RecordType = {
  type: "record",
  name: "Order",
  namespace: "shop",
  fields: [
    { name: "id", type: "long" },
    { name: "item", type: "string" },
  ],
};
const orderType = avro.Type.forSchema(ORDER);
const GLUE_VERSION = "6b0b8a57-5a4c-4a9a-8f59-2f0d4a1c9e11";
const never = new AbortController().signal;

let registry: ScriptedRegistry;
beforeAll(async () => {
  registry = await scriptedRegistry();
});
afterAll(() => registry.close());
beforeEach(() => {
  registry.ids.clear();
  registry.requests.length = 0;
  registry.faults.length = 0;
  registry.ids.set(1, { schema: JSON.stringify(ORDER) });
  registry.ids.set(2, { schema: JSON.stringify({ ...ORDER, name: "Order2" }) });
  registry.ids.set(3, { schema: JSON.stringify({ ...ORDER, name: "Order3" }) });
});

function payload(bytes: Buffer, format: RegistryFormat = "avro"): RegistryPayload {
  return { bytes, format, topic: "orders", part: "value" };
}

function order(id: number, schemaId = 1): RegistryPayload {
  return payload(confluentFrame(schemaId, orderType.toBuffer({ id, item: `item-${id}` })));
}

function decoder(options: { url?: boolean; glue?: SchemaSources["glue"]; now?: () => number } = {}) {
  const codecs = testCodecLoader();
  const subject = registryDecoder(
    { decimalFormat: "base64", ...(options.now === undefined ? {} : { now: options.now }) },
    {
      confluent: options.url === false ? undefined : confluentSchemaRegistry({ url: registry.url }),
      glue: options.glue ?? (() => Promise.reject(new Error("this test's payloads are not Glue-framed"))),
    },
    codecs.load,
  );
  return { subject, codecs };
}

describe("registryDecoder", () => {
  it("renders Confluent-framed Avro payloads as JSON", async () => {
    const { subject } = decoder();
    const payloads = [order(7)];
    await subject.prepare(payloads, never);
    expect(subject.render(order(7))).toEqual({
      ok: true,
      json: '{"id":7,"item":"item-7"}',
      text: '{"id":7,"item":"item-7"}',
    });
  });

  it("makes one registry call per schema for 10,000 records sharing 3 schemas", async () => {
    const { subject } = decoder();
    const payloads = Array.from({ length: 10_000 }, (_, i) => order(i, (i % 3) + 1));
    await subject.prepare(payloads, never);
    for (const p of payloads) expect(subject.render(p).ok).toBe(true);
    expect(registry.requests.map((request) => request.path).sort()).toEqual([
      "/schemas/ids/1",
      "/schemas/ids/2",
      "/schemas/ids/3",
    ]);
    await subject.prepare(payloads, never);
    expect(registry.requests).toHaveLength(3);
  });

  it("makes one call when two batches look up a new id at the same time", async () => {
    const { subject } = decoder();
    registry.faults.push({ delayMs: 100 });
    await Promise.all([subject.prepare([order(1)], never), subject.prepare([order(2)], never)]);
    expect(registry.requests).toHaveLength(1);
    expect(subject.render(order(2)).ok).toBe(true);
  });

  it("loads a format's codec only when a schema of that format arrives", async () => {
    const { subject, codecs } = decoder();
    expect(codecs.loaded).toEqual([]);
    await subject.prepare([order(1)], never);
    expect(codecs.loaded).toEqual(["avro"]);
  });

  it("is poison (UnknownSchema) for an id the registry does not know, remembered for a minute", async () => {
    let clock = 0;
    const { subject } = decoder({ now: () => clock });
    const unknown = order(1, 99);
    await subject.prepare([unknown], never);
    expect(subject.render(unknown)).toMatchObject({ ok: false, code: "UnknownSchema" });
    expect(subject.render(unknown)).not.toHaveProperty("retryable");
    await subject.prepare([unknown], never);
    expect(registry.requests).toHaveLength(1);
    clock = 60_000;
    await subject.prepare([unknown], never);
    expect(registry.requests).toHaveLength(2);
  });

  it("reports a registry outage as retryable for every record of the schema, and asks again next batch", async () => {
    const { subject } = decoder();
    registry.faults.push({ status: 503 });
    const batch = [order(1), order(2, 1)];
    await subject.prepare(batch, never);
    for (const p of batch)
      expect(subject.render(p)).toMatchObject({ ok: false, retryable: true, code: "RegistryUnavailable" });
    await subject.prepare(batch, never);
    expect(subject.render(order(1))).toMatchObject({ ok: true });
    expect(registry.requests).toHaveLength(2);
  });

  it.each([
    ["no header", Buffer.from('{"id":1}')],
    ["a truncated header", Buffer.from([0, 0, 0])],
  ])("is poison (InvalidWireFormat) with %s, with no registry call", async (_, bytes) => {
    const { subject } = decoder();
    await subject.prepare([payload(bytes)], never);
    expect(subject.render(payload(bytes))).toMatchObject({ ok: false, code: "InvalidWireFormat" });
    expect(registry.requests).toHaveLength(0);
  });

  it("is poison (SchemaMismatch) for bytes that do not match their schema", async () => {
    const { subject } = decoder();
    const corrupt = payload(confluentFrame(1, Buffer.from([0x02])));
    await subject.prepare([corrupt], never);
    const rendered = subject.render(corrupt);
    expect(rendered).toMatchObject({ ok: false, code: "SchemaMismatch" });
    expect(!rendered.ok && "expected" in rendered && rendered.expected).toMatch(/Avro matching schema id 1/);
  });

  it("is poison (SchemaMismatch) when the registry's schema is of another format than the topic's", async () => {
    registry.ids.set(10, { schemaType: "JSON", schema: '{"type":"object"}' });
    const { subject } = decoder();
    const json = payload(confluentFrame(10, Buffer.from('{"a":1}')));
    await subject.prepare([json], never);
    expect(subject.render(json)).toMatchObject({ ok: false, code: "SchemaMismatch" });
    expect(subject.render(payload(json.bytes, "json-schema"))).toMatchObject({ ok: true, json: '{"a":1}' });
  });

  it("is poison (InvalidSchema) when the registry's schema does not compile", async () => {
    registry.ids.set(11, {
      schema: '{"type":"record","name":"Broken","fields":[{"name":"x","type":"nope"}]}',
    });
    const { subject } = decoder();
    const broken = payload(confluentFrame(11, Buffer.from([0])));
    await subject.prepare([broken], never);
    expect(subject.render(broken)).toMatchObject({ ok: false, code: "InvalidSchema" });
  });

  it("is poison (NoSchemaRegistryUrl) for a Confluent header when no URL is set, with no call", async () => {
    const { subject } = decoder({ url: false });
    await subject.prepare([order(1)], never);
    const rendered = subject.render(order(1));
    expect(rendered).toMatchObject({ ok: false, code: "NoSchemaRegistryUrl" });
    expect(!rendered.ok && "expected" in rendered && rendered.expected).toMatch(/SCHEMA_REGISTRY_URL/);
    expect(registry.requests).toHaveLength(0);
  });

  it("decodes Glue-framed payloads from the Glue source, with no Confluent URL needed", async () => {
    const asked: string[] = [];
    const glue = async (versionId: string): Promise<RegistrySchema> => {
      asked.push(versionId);
      if (versionId !== GLUE_VERSION) throw new UnknownSchemaError(`no ${versionId}`);
      return { format: "avro", text: JSON.stringify(ORDER), references: new Map() };
    };
    const { subject } = decoder({ url: false, glue });
    const framed = payload(glueFrame(GLUE_VERSION, orderType.toBuffer({ id: 5, item: "x" })));
    const other = payload(glueFrame("00000000-0000-0000-0000-000000000001", Buffer.from([0])));
    await subject.prepare([framed, framed, other], never);
    expect(subject.render(framed)).toMatchObject({ ok: true, json: '{"id":5,"item":"x"}' });
    expect(subject.render(other)).toMatchObject({ ok: false, code: "UnknownSchema" });
    expect(asked.sort()).toEqual(["00000000-0000-0000-0000-000000000001", GLUE_VERSION]);
  });

  it("reports a payload it was not asked to prepare as retryable, never as decoded", () => {
    const { subject } = decoder();
    expect(subject.render(order(1))).toMatchObject({ ok: false, retryable: true });
  });
});

describe("registryDecoder with Protobuf", () => {
  const PROTO = `syntax = "proto3"; package shop;
    message Order { int64 id = 1; message Line { string sku = 1; } }
    message Audit { string who = 1; }`;
  const root = protobuf.parse(PROTO, { keepCase: true }).root;
  const line = root.lookupType("shop.Order.Line");
  const audit = root.lookupType("shop.Audit");

  it("selects the message by Confluent's index path", async () => {
    registry.ids.set(20, { schemaType: "PROTOBUF", schema: PROTO });
    const { subject } = decoder();
    const nested = payload(
      confluentFrame(20, Buffer.concat([Buffer.from([4, 0, 0]), line.encode({ sku: "A-1" }).finish()])),
      "protobuf",
    );
    const second = payload(
      confluentFrame(20, Buffer.concat([Buffer.from([2, 2]), audit.encode({ who: "ops" }).finish()])),
      "protobuf",
    );
    await subject.prepare([nested, second], never);
    expect(subject.render(nested)).toMatchObject({ ok: true, json: '{"Line":{"sku":"A-1"}}' });
    expect(subject.render(second)).toMatchObject({ ok: true, json: '{"Audit":{"who":"ops"}}' });
  });

  it("maps Glue's message number (full names sorted) to the message", async () => {
    const glue = async (): Promise<RegistrySchema> => ({
      format: "protobuf",
      text: PROTO,
      references: new Map(),
    });
    const { subject } = decoder({ url: false, glue });
    // Glue numbers shop.Audit = 0, shop.Order = 1, shop.Order.Line = 2.
    const framed = (index: number, body: Uint8Array) =>
      payload(glueFrame(GLUE_VERSION, Buffer.concat([Buffer.from([index]), body])), "protobuf");
    const nested = framed(2, line.encode({ sku: "B-2" }).finish());
    const first = framed(0, audit.encode({ who: "dev" }).finish());
    const missing = framed(9, Buffer.alloc(0));
    await subject.prepare([nested, first, missing], never);
    expect(subject.render(nested)).toMatchObject({ ok: true, json: '{"Line":{"sku":"B-2"}}' });
    expect(subject.render(first)).toMatchObject({ ok: true, json: '{"Audit":{"who":"dev"}}' });
    expect(subject.render(missing)).toMatchObject({ ok: false, code: "SchemaMismatch" });
  });
});

describe("registryDecoder with many schemas in one batch", () => {
  it("looks up at most 8 schemas at a time, and every one of them", async () => {
    let inFlight = 0;
    let most = 0;
    const glue = async (versionId: string): Promise<RegistrySchema> => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      if (versionId.endsWith("0")) throw new UnknownSchemaError(versionId);
      return { format: "avro", text: JSON.stringify(ORDER), references: new Map() };
    };
    const { subject } = decoder({ url: false, glue });
    const payloads = Array.from({ length: 40 }, (_, i) =>
      payload(
        glueFrame(
          `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
          orderType.toBuffer({ id: i, item: "x" }),
        ),
      ),
    );
    await subject.prepare(payloads, never);
    expect(most).toBe(8);
    expect(payloads.filter((p) => subject.render(p).ok)).toHaveLength(36);
  });
});
