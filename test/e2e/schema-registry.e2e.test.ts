import { randomUUID } from "node:crypto";
import { deflateSync } from "node:zlib";
import {
  CreateRegistryCommand,
  CreateSchemaCommand,
  GlueClient,
  RegisterSchemaVersionCommand,
} from "@aws-sdk/client-glue";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import avro from "avsc";
import protobuf from "protobufjs";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { RegistryPayload } from "../../lambda/schema-registry/registry-decoder";
import { registryDecoderFor } from "../../lambda/schema-registry/registry-decoder-for";
import type { LambdaHandler } from "../../tooling/local-esm/invocation";
import { LocalEventSourceMapping } from "../../tooling/local-esm/local-esm";
import { confluentFrame, glueFrame, testCodecLoader } from "../lambda/schema-registry/test-codecs";
import { type Bench, createBench, drainQueue } from "./aws-fixtures";
import { type DeliveredEvent, handlerEnv } from "./chain";
import { committedOffsets, createTopics, produce, waitFor } from "./kafka-fixtures";
import { loadHandler } from "./load-handler";

const bootstrap = inject("kafkaBootstrap");
const moto = inject("motoEndpoint");
const registryUrl = inject("schemaRegistryUrl");
const never = new AbortController().signal;
const id = randomUUID().slice(0, 8);

/** A record with the types whose JSON rendering is the connector's and needs no codec-specific spelling. */
const ORDER: avro.schema.RecordType = {
  type: "record",
  name: "Order",
  namespace: `shop.e${id}`,
  fields: [
    { name: "id", type: "long" },
    { name: "item", type: "string" },
    { name: "note", type: ["null", "string"], default: null },
    { name: "customer", type: `shop.e${id}.Customer` },
  ],
};
const CUSTOMER: avro.schema.RecordType = {
  type: "record",
  name: "Customer",
  namespace: `shop.e${id}`,
  fields: [
    { name: "name", type: "string" },
    { name: "tier", type: { type: "enum", name: "Tier", symbols: ["BASIC", "GOLD"] } },
  ],
};
const customerType = avro.Type.forSchema(CUSTOMER);
const orderType = avro.Type.forSchema(ORDER, { registry: { [`shop.e${id}.Customer`]: customerType } });

const orders = [
  { id: 1, item: "book", note: null, customer: { name: "Ada", tier: "GOLD" } },
  { id: 2, item: "pen", note: "gift", customer: { name: "Bob", tier: "BASIC" } },
];
const ordersJson = [
  { id: 1, item: "book", note: null, customer: { name: "Ada", tier: "GOLD" } },
  { id: 2, item: "pen", note: "gift", customer: { name: "Bob", tier: "BASIC" } },
];

/** Registers a schema under `subject` through Apicurio's Confluent-compatible API; returns its id. */
async function register(
  subject: string,
  schema: string,
  references: { name: string; subject: string; version: number }[] = [],
): Promise<number> {
  const response = await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: "POST",
    headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
    body: JSON.stringify({ schema, schemaType: "AVRO", references }),
  });
  const body = (await response.json()) as { id?: number };
  if (!response.ok || body.id === undefined) throw new Error(`register ${subject}: ${JSON.stringify(body)}`);
  return body.id;
}

/**
 * What a Confluent serializer does: register (or look up) the schema, then write magic byte 0, the id,
 * and the Avro binary. Here with avsc, the ids coming from the real Apicurio.
 */
async function registerOrderSchema(topic: string): Promise<number> {
  await register(`${topic}-customer`, JSON.stringify(CUSTOMER));
  return register(`${topic}-value`, JSON.stringify(ORDER), [
    { name: `shop.e${id}.Customer`, subject: `${topic}-customer`, version: 1 },
  ]);
}

/** What Glue's serializer does: CreateRegistry, CreateSchema, RegisterSchemaVersion in moto; the version id. */
async function registerGlueVersion(name: string): Promise<{ first: string; second: string }> {
  const glue = new GlueClient({ endpoint: moto });
  await glue.send(new CreateRegistryCommand({ RegistryName: name }));
  const flat = { ...ORDER, fields: [...ORDER.fields.slice(0, 3), { name: "customer", type: CUSTOMER }] };
  const created = await glue.send(
    new CreateSchemaCommand({
      RegistryId: { RegistryName: name },
      SchemaName: "orders",
      DataFormat: "AVRO",
      Compatibility: "NONE",
      SchemaDefinition: JSON.stringify({ ...flat, fields: flat.fields.slice(0, 2) }),
    }),
  );
  const version = await glue.send(
    new RegisterSchemaVersionCommand({
      SchemaId: { RegistryName: name, SchemaName: "orders" },
      SchemaDefinition: JSON.stringify(flat),
    }),
  );
  return { first: created.SchemaVersionId as string, second: version.SchemaVersionId as string };
}

function glueZlibFrame(versionId: string, body: Buffer): Buffer {
  const framed = glueFrame(versionId, deflateSync(body));
  framed[1] = 5;
  return framed;
}

function value(bytes: Buffer): RegistryPayload {
  return { bytes, format: "avro", topic: "orders", part: "value" };
}

describe("the registry decoder against Apicurio (ccompat) and Glue (moto)", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("decodes Confluent-framed Avro with a schema reference, ids from Apicurio", async () => {
    const schemaId = await registerOrderSchema(`decoder-${id}`);
    const decoder = registryDecoderFor(
      {
        schemaRegistryUrl: registryUrl,
        schemaRegistryAuthSecretArn: undefined,
        glueRegistryRegion: undefined,
        decimalFormat: "base64",
      },
      { loadCodec: testCodecLoader().load },
    );
    const payloads = orders.map((order) => value(confluentFrame(schemaId, orderType.toBuffer(order))));
    const unknown = value(confluentFrame(987_654, orderType.toBuffer(orders[0])));
    await decoder.prepare([...payloads, unknown], never);
    expect(payloads.map((p) => decoder.render(p))).toEqual(
      ordersJson.map((json) => ({ ok: true, json: JSON.stringify(json), text: JSON.stringify(json) })),
    );
    expect(decoder.render(unknown)).toMatchObject({ ok: false, code: "UnknownSchema" });
  });

  it("reads basic-auth credentials from Secrets Manager (AWS_ENDPOINT_URL_SECRETS_MANAGER) before asking", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto);
    const secrets = new SecretsManagerClient({ endpoint: moto });
    const { ARN } = await secrets.send(
      new CreateSecretCommand({
        Name: `registry-auth-${id}`,
        SecretString: JSON.stringify({ username: "reader", password: "pw" }),
      }),
    );
    const schemaId = await registerOrderSchema(`auth-${id}`);
    const decoder = registryDecoderFor(
      {
        schemaRegistryUrl: registryUrl,
        schemaRegistryAuthSecretArn: ARN,
        glueRegistryRegion: undefined,
        decimalFormat: "base64",
      },
      { loadCodec: testCodecLoader().load },
    );
    const payload = value(confluentFrame(schemaId, orderType.toBuffer(orders[1])));
    await decoder.prepare([payload], never);
    expect(decoder.render(payload)).toMatchObject({ ok: true, json: JSON.stringify(ordersJson[1]) });
  });

  it("decodes Glue-framed Avro, plain and zlib, by version id from moto (AWS_ENDPOINT_URL_GLUE)", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_GLUE", moto);
    const { first, second } = await registerGlueVersion(`decoder-${id}`);
    const decoder = registryDecoderFor(
      {
        schemaRegistryUrl: undefined,
        schemaRegistryAuthSecretArn: undefined,
        glueRegistryRegion: "us-east-1",
        decimalFormat: "base64",
      },
      { loadCodec: testCodecLoader().load },
    );
    const plain = value(glueFrame(second, orderType.toBuffer(orders[0])));
    const zlib = value(glueZlibFrame(second, orderType.toBuffer(orders[1])));
    const older = value(
      glueFrame(
        first,
        avro.Type.forSchema({ ...ORDER, fields: ORDER.fields.slice(0, 2) }).toBuffer({ id: 3, item: "cup" }),
      ),
    );
    const unknown = value(glueFrame(randomUUID(), Buffer.from([2])));
    await decoder.prepare([plain, zlib, older, unknown], never);
    expect(decoder.render(plain)).toMatchObject({ ok: true, json: JSON.stringify(ordersJson[0]) });
    expect(decoder.render(zlib)).toMatchObject({ ok: true, json: JSON.stringify(ordersJson[1]) });
    expect(decoder.render(older)).toMatchObject({ ok: true, json: '{"id":3,"item":"cup"}' });
    expect(decoder.render(unknown)).toMatchObject({ ok: false, code: "UnknownSchema" });
  });
});

describe("Glue Protobuf against moto", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("selects the message Glue's serializer numbered (all messages sorted by full name)", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_GLUE", moto);
    const proto = `syntax = "proto3"; package shop;
      message Order { int64 id = 1; message Line { string sku = 1; } }
      message Audit { string who = 1; }`;
    const glue = new GlueClient({ endpoint: moto });
    await glue.send(new CreateRegistryCommand({ RegistryName: `proto-${id}` }));
    const { SchemaVersionId } = await glue.send(
      new CreateSchemaCommand({
        RegistryId: { RegistryName: `proto-${id}` },
        SchemaName: "orders",
        DataFormat: "PROTOBUF",
        Compatibility: "NONE",
        SchemaDefinition: proto,
      }),
    );
    const root = protobuf.parse(proto, { keepCase: true }).root;
    const line = root.lookupType("shop.Order.Line").encode({ sku: "A-1" }).finish();
    // shop.Audit = 0, shop.Order = 1, shop.Order.Line = 2
    const framed: RegistryPayload = {
      bytes: glueZlibFrame(SchemaVersionId as string, Buffer.concat([Buffer.from([2]), line])),
      format: "protobuf",
      topic: "orders",
      part: "value",
    };
    const decoder = registryDecoderFor(
      {
        schemaRegistryUrl: undefined,
        schemaRegistryAuthSecretArn: undefined,
        glueRegistryRegion: "us-east-1",
        decimalFormat: "base64",
      },
      { loadCodec: testCodecLoader().load },
    );
    await decoder.prepare([framed], never);
    expect(decoder.render(framed)).toMatchObject({ ok: true, json: '{"Line":{"sku":"A-1"}}' });
  });
});

/**
 * The function end to end. Needs the pipeline to hand registry formats to the decoder (the handler wiring
 * `registryDecoderFor(config)` and the codecs): with this environment the handler must
 * - read `VALUE_FORMAT=json,<confluent topic>:avro,<glue topic>:avro`;
 * - fetch Confluent ids from `SCHEMA_REGISTRY_URL` (Apicurio's ccompat root) and Glue versions from
 *   `AWS_ENDPOINT_URL_GLUE` (moto, region us-east-1);
 * - put each value on the bus as the Avro rendering of the issue (fields in schema order, `["null", X]`
 *   unwrapped, enums as their symbol, nested records as objects);
 * - dead-letter an unknown id as `UnknownSchema` and a value without a registry header as `InvalidWireFormat`.
 */
describe("Kafka → local ESM → handler → EventBridge (moto) with registry-encoded values", () => {
  let bench: Bench;
  let handler: LambdaHandler;
  const [confluentTopic, glueTopic] = [`avro-confluent-${id}`, `avro-glue-${id}`];

  beforeAll(async () => {
    bench = await createBench(moto, `registry-${id}`, `registry-${id}`, { readmeRule: false });
    handler = await loadHandler(
      handlerEnv(bench, `registry-${id}`, moto, moto, {
        VALUE_FORMAT: `json,${confluentTopic}:avro,${glueTopic}:avro`,
        SCHEMA_REGISTRY_URL: registryUrl,
        AWS_ENDPOINT_URL_GLUE: moto,
      }),
    );
  });
  afterAll(() => bench.sqs.destroy());

  it("delivers the documented JSON for Confluent- and Glue-framed Avro, and dead-letters what cannot decode", async () => {
    const schemaId = await registerOrderSchema(confluentTopic);
    const { second } = await registerGlueVersion(`pipeline-${id}`);
    await createTopics(bootstrap, [confluentTopic, glueTopic], 1);
    await produce(bootstrap, [
      ...orders.map((order) => ({
        topic: confluentTopic,
        key: Buffer.from(`order-${order.id}`),
        value: confluentFrame(schemaId, orderType.toBuffer(order)),
      })),
      {
        topic: confluentTopic,
        key: Buffer.from("unknown"),
        value: confluentFrame(987_654, Buffer.from([2])),
      },
      { topic: confluentTopic, key: Buffer.from("plain"), value: Buffer.from('{"not":"framed"}') },
      { topic: glueTopic, key: Buffer.from("g1"), value: glueFrame(second, orderType.toBuffer(orders[0])) },
      {
        topic: glueTopic,
        key: Buffer.from("g2"),
        value: glueZlibFrame(second, orderType.toBuffer(orders[1])),
      },
    ]);
    const groupId = randomUUID();
    const esm = new LocalEventSourceMapping({
      brokers: [bootstrap],
      topics: [confluentTopic, glueTopic],
      handler,
      groupId,
      reportBatchItemFailures: true,
      timeoutMs: 60_000,
      log: () => {},
    });
    await esm.start();
    const topics = [
      { topic: confluentTopic, partitions: 1 },
      { topic: glueTopic, partitions: 1 },
    ];
    const done = await waitFor(
      async () => {
        const committed = await committedOffsets(bootstrap, groupId, topics);
        return committed.get(`${confluentTopic}-0`) === 4n && committed.get(`${glueTopic}-0`) === 2n;
      },
      120_000,
      300,
    );
    await esm.stop();
    expect(done, "every partition committed to its end").toBe(true);

    const events = await drainQueue<DeliveredEvent>(bench.sqs, bench.catchAllQueueUrl, { expected: 4 });
    const dlq = await drainQueue<{ key: string; errorCode: string }>(bench.sqs, bench.dlqUrl, {
      expected: 2,
    });
    const byKey = Object.fromEntries(events.map((event) => [event.detail.key as string, event.detail.value]));
    expect(byKey).toEqual({
      "order-1": ordersJson[0],
      "order-2": ordersJson[1],
      g1: ordersJson[0],
      g2: ordersJson[1],
    });
    expect(
      Object.fromEntries(
        dlq.map((message) => [Buffer.from(message.key, "base64").toString(), message.errorCode]),
      ),
    ).toEqual({ unknown: "UnknownSchema", plain: "InvalidWireFormat" });
  });
});
