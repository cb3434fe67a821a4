// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} is the connector's DETAIL_TYPES placeholder, not a template literal
import { readFileSync } from "node:fs";
import { GetSchemaVersionCommand, GlueClient } from "@aws-sdk/client-glue";
import avro from "avsc";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../lambda/config";
import { mapRecord } from "../../lambda/core/map-entry";
import { PoisonRecordError } from "../../lambda/errors";
import { partRenderer, registryPayload } from "../../lambda/pipeline/part-renderer";
import { registryDecoderFor } from "../../lambda/schema-registry/registry-decoder-for";
import { parseJsonWithComments } from "../../tooling/cli/cli";
import { kafkaRecord } from "../../tooling/kafka-records";
import { migrateConnectorConfig } from "../../tooling/migration/connector-config";

const fixture = (name: string) => {
  const file = `test/tooling/fixtures/connector/${name}`;
  return parseJsonWithComments(readFileSync(file, "utf8"), file) as {
    name: string;
    config: Record<string, unknown>;
  };
};

/** The README's placeholder account (10 digits) replaced by a real-shaped one, so the loader accepts the ARNs. */
function withAccount(document: { name: string; config: Record<string, unknown> }) {
  const config = Object.fromEntries(
    Object.entries(document.config).map(([k, v]) => [
      k,
      typeof v === "string" ? v.replace(":1234567890:", ":123456789012:") : v,
    ]),
  );
  return { ...document, config };
}

/**
 * What connector v1.6.1 puts in Source, DetailType and Resources (EventBridgeSinkConfig,
 * DefaultDetailTypeMapper, JsonPathDetailTypeMapper, DefaultEventBridgeMapper), transcribed from its Java.
 */
function connectorEvent(config: Record<string, unknown>, topic: string, value: unknown) {
  const text = (key: string) => (config[key] === undefined ? undefined : String(config[key]));
  const list = (key: string, fallback: string) =>
    (text(key) ?? fallback).trim() === "" ? [] : (text(key) ?? fallback).split(",").map((s) => s.trim());
  let detailType: string;
  if (text("aws.eventbridge.detail.types.mapper.class")?.endsWith("JsonPathDetailTypeMapper")) {
    const path = (text("aws.eventbridge.detail.types.jsonpathmapper.fieldref") ?? "")
      .replace(/^\$\./, "")
      .split(".");
    let found: unknown = value;
    for (const part of path) found = (found as Record<string, unknown> | undefined)?.[part];
    detailType = typeof found === "string" && found.trim() !== "" ? found : topic;
  } else {
    const items = list("aws.eventbridge.detail.types", "kafka-connect-${topic}");
    if (items.length > 1 || items[0]?.includes(":")) {
      const byTopic = new Map(items.map((item) => item.split(":")).map((parts) => [parts[0], parts[1]]));
      detailType = byTopic.get(topic) ?? `kafka-connect-${topic}`;
    } else detailType = (items[0] ?? "").replaceAll("${topic}", topic);
  }
  return {
    Source: `kafka-connect.${text("aws.eventbridge.connector.id")}`,
    DetailType: detailType,
    Resources: list("aws.eventbridge.eventbus.resources", ""),
  };
}

/** Loads the migrated environment with the function's loader and maps a record with its mapRecord. */
function functionEvent(environment: Record<string, string>, topic: string, value: unknown) {
  const { config, problems } = checkConfig(environment);
  expect(problems.map((p) => p.message)).toEqual([]);
  if (config === undefined) throw new Error("no config");
  const mapped = mapRecord(config, kafkaRecord({ topic, key: { order: 1 }, value: value as object }));
  if (mapped instanceof PoisonRecordError) throw mapped;
  const { Source, DetailType, Resources } = mapped.entry;
  return { Source, DetailType, Resources };
}

describe("migrate-connector on the connector README's examples", () => {
  it("JSON encoding: connector id, bus and topic; the defaults need nothing", () => {
    const migration = migrateConnectorConfig(fixture("readme-json.json5"));
    expect(migration.environment).toEqual({
      CONNECTOR_ID: "my-json-values-connector",
      EVENT_BUS_ARN: "arn:aws:events:us-east-1:1234567890:event-bus/kafkabus",
    });
    expect(migration.context).toEqual({
      connectorId: "my-json-values-connector",
      eventBusArn: "arn:aws:events:us-east-1:1234567890:event-bus/kafkabus",
      topics: "json-values-topic",
      startingPosition: "TRIM_HORIZON",
    });
    expect(migration.problems).toEqual([]);
    const notes = new Map(migration.notes.map((n) => [n.property, n]));
    expect(notes.get("aws.eventbridge.region")?.mappedTo).toBeUndefined();
    expect(notes.get("aws.eventbridge.region")?.note).toMatch(/bus ARN/);
    expect(notes.get("value.converter")?.mappedTo).toMatch(/VALUE_FORMAT=json/);
    expect(notes.get("(consumer group)")?.note).toMatch(/-c consumerGroupId=connect-EventBridgeSink-Json/);
    // Every property of the input is accounted for.
    expect(new Set(migration.notes.map((n) => n.property))).toEqual(
      new Set([...Object.keys(fixture("readme-json.json5").config), "header.converter", "(consumer group)"]),
    );
  });

  it("JSON encoding: the printed environment produces the connector's Source, DetailType and Resources", () => {
    const document = withAccount(fixture("readme-json.json5"));
    const migration = migrateConnectorConfig(document);
    const value = { orderItems: ["item-1"], total: 1.1 };
    expect(functionEvent(migration.environment, "json-values-topic", value)).toEqual(
      connectorEvent(document.config, "json-values-topic", value),
    );
  });

  it("the README's 10-digit placeholder account is caught by the function's loader", () => {
    const migration = migrateConnectorConfig(fixture("readme-json.json5"));
    const { problems } = checkConfig(migration.environment);
    expect(problems.map((p) => p.variable)).toEqual(["EVENT_BUS_ARN"]);
  });

  it("JSON with dead-letter queue: the DLQ topic becomes the Kafka on-failure destination", () => {
    const migration = migrateConnectorConfig(fixture("readme-json-dlq.json5"));
    expect(migration.context.onFailure).toBe("kafka:json-dlq");
    const notes = new Map(migration.notes.map((n) => [n.property, n]));
    expect(notes.get("errors.tolerance")?.note).toMatch(/never skips a record/);
    expect(notes.get("errors.deadletterqueue.topic.replication.factor")?.note).toMatch(/create it yourself/);
    const document = withAccount(fixture("readme-json-dlq.json5"));
    expect(
      functionEvent(migrateConnectorConfig(document).environment, "json-values-topic", { a: 1 }),
    ).toEqual(connectorEvent(document.config, "json-values-topic", { a: 1 }));
  });

  it("Avro with two topics, IAM role and retries: every setting, Glue Avro values and JSON keys", () => {
    const migration = migrateConnectorConfig(fixture("readme-avro.json5"));
    expect(migration.environment).toEqual({
      CONNECTOR_ID: "avro-test-connector",
      EVENT_BUS_ARN: "arn:aws:events:us-east-1:1234567890:event-bus/kafkabus",
      IAM_ROLE_ARN: "arn:aws:iam::1234567890:role/EventBridgePutEventsRole",
      RETRIES_MAX: "1",
      RETRY_DELAY_MS: "1000",
      DETAIL_TYPES: "avro-test-${topic}",
      KEY_FORMAT: "json",
      VALUE_FORMAT: "avro",
      GLUE_REGISTRY_REGION: "us-east-1",
    });
    expect(migration.context.topics).toBe("avro-topic-1,avro-topic-2");
    const notes = new Map(migration.notes.map((n) => [n.property, n]));
    expect(notes.get("tasks.max")?.note).toMatch(/pollers/);
    expect(notes.get("value.converter.registry.name")?.note).toMatch(/schema version id/);
    expect(notes.get("schema.history.internal.kafka.topic")?.mappedTo).toBeUndefined();
    // JsonConverter's schemas.enable defaults to true: keys would be envelopes, which the connector unwraps.
    expect(migration.problems.join("\n")).toMatch(/key\.converter\.schemas\.enable/);
  });

  it("Avro example: the full printed environment loads, and the events agree with the connector for both topics", async () => {
    const document = withAccount(fixture("readme-avro.json5"));
    const environment = migrateConnectorConfig(document).environment;
    const { config, problems } = checkConfig(environment);
    expect(problems.map((p) => p.message)).toEqual([]);
    if (config === undefined) throw new Error("no config");
    expect(config.glueRegistryRegion).toBe("us-east-1");
    // The values are Glue-framed Avro, decoded by the function's own registry decoder; only the Glue
    // API answer is scripted (the decoder against moto's Glue is tested in the e2e suite).
    const orderType = avro.Type.forSchema({
      type: "record",
      name: "Order",
      fields: [{ name: "id", type: "long" }],
    });
    const versionId = "b7b4a7f0-0f1e-4c2b-9d3a-2f6e1c9a8b01";
    const glue = mockClient(GlueClient);
    glue
      .on(GetSchemaVersionCommand, { SchemaVersionId: versionId })
      .resolves({ DataFormat: "AVRO", SchemaDefinition: JSON.stringify(orderType.schema()) });
    try {
      const body = orderType.toBuffer({ id: 1 });
      const framed = Buffer.concat([
        Buffer.from([0x03, 0x00]),
        Buffer.from(versionId.replaceAll("-", ""), "hex"),
        body,
      ]);
      const decoder = registryDecoderFor(config);
      for (const topic of ["avro-topic-1", "avro-topic-2"]) {
        const record = kafkaRecord({ topic, key: { order: 1 }, value: framed });
        const payload = registryPayload(config, record, "value");
        const framedPayload = payload !== undefined && "bytes" in payload ? payload : undefined;
        expect(framedPayload?.format).toBe("avro");
        await decoder.prepare(
          framedPayload === undefined ? [] : [framedPayload],
          new AbortController().signal,
        );
        const mapped = mapRecord(config, record, partRenderer(config, decoder));
        if (mapped instanceof PoisonRecordError || "retryable" in mapped) throw new Error(String(mapped));
        const { Source, DetailType, Resources } = mapped.entry;
        expect({ Source, DetailType, Resources }).toEqual(connectorEvent(document.config, topic, { id: 1 }));
        expect(JSON.parse(mapped.entry.Detail ?? "{}")).toMatchObject({
          key: { order: 1 },
          value: { id: 1 },
        });
      }
      const asked = glue.commandCalls(GetSchemaVersionCommand);
      expect(asked).toHaveLength(1);
      expect(await asked[0]?.thisValue.config.region()).toBe("us-east-1");
    } finally {
      glue.restore();
    }
  });
});

const base = {
  "connector.class": "software.amazon.event.kafkaconnector.EventBridgeSinkConnector",
  "aws.eventbridge.connector.id": "tricky",
  "aws.eventbridge.eventbus.arn": "arn:aws:events:eu-west-1:123456789012:event-bus/orders",
  "aws.eventbridge.region": "eu-west-1",
  topics: "orders, customers",
  "key.converter": "org.apache.kafka.connect.storage.StringConverter",
  "value.converter": "org.apache.kafka.connect.json.JsonConverter",
  "value.converter.schemas.enable": "false",
};

describe("migrate-connector on tricky configurations", () => {
  it('a per-topic detail-type containing a colon is cut as the connector\'s split(":") cuts it', () => {
    const config = {
      ...base,
      "aws.eventbridge.detail.types": "orders:com.example:orders:v1, customers:Customer",
    };
    const migration = migrateConnectorConfig({ name: "x", config });
    expect(migration.environment.DETAIL_TYPES).toBe("orders:com.example,customers:Customer");
    for (const topic of ["orders", "customers", "other"]) {
      expect(functionEvent(migration.environment, topic, { a: 1 })).toEqual(
        connectorEvent(config, topic, { a: 1 }),
      );
    }
  });

  it("a topic named twice in the detail-types is reported: the connector does not start", () => {
    const migration = migrateConnectorConfig({
      ...base,
      "aws.eventbridge.detail.types": "orders:A,orders:B",
    });
    expect(migration.problems.join("\n")).toMatch(/names topic "orders" twice/);
  });

  it("JsonPathDetailTypeMapper: the path, and the topic as the fallback, as the mapper does", () => {
    const config = {
      ...base,
      "aws.eventbridge.detail.types": "ignored-${topic}",
      "aws.eventbridge.detail.types.mapper.class":
        "software.amazon.event.kafkaconnector.mapping.JsonPathDetailTypeMapper",
      "aws.eventbridge.detail.types.jsonpathmapper.fieldref": "$.metadata.event-type",
    };
    const migration = migrateConnectorConfig(config);
    expect(migration.environment).toMatchObject({
      DETAIL_TYPE_JSONPATH: "$.metadata.event-type",
      DETAIL_TYPES: "${topic}",
    });
    for (const value of [
      { metadata: { "event-type": "customer.order.created" } },
      { metadata: {} },
      { metadata: { "event-type": 7 } },
    ]) {
      expect(functionEvent(migration.environment, "orders", value)).toEqual(
        connectorEvent(config, "orders", value),
      );
    }
  });

  it("resources with spaces and a static detail-type", () => {
    const config = {
      ...base,
      "aws.eventbridge.eventbus.resources": " arn:a , arn:b ",
      "aws.eventbridge.detail.types": "static-type",
    };
    const migration = migrateConnectorConfig(config);
    expect(migration.environment.EVENT_RESOURCES).toBe("arn:a,arn:b");
    expect(functionEvent(migration.environment, "orders", {})).toEqual(connectorEvent(config, "orders", {}));
  });

  it("converters: byte arrays to base64, Confluent Protobuf with its registry, StringConverter headers", () => {
    const migration = migrateConnectorConfig({
      ...base,
      "key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter",
      "value.converter": "io.confluent.connect.protobuf.ProtobufConverter",
      "value.converter.schema.registry.url": "https://registry.example.com:8081",
      "value.converter.basic.auth.credentials.source": "USER_INFO",
      "value.converter.basic.auth.user.info": "user:s3cret",
      "header.converter": "org.apache.kafka.connect.storage.StringConverter",
    });
    expect(migration.environment).toMatchObject({
      KEY_FORMAT: "base64",
      VALUE_FORMAT: "protobuf",
      SCHEMA_REGISTRY_URL: "https://registry.example.com:8081",
      HEADER_FORMAT: "string",
    });
    expect(JSON.stringify(migration)).not.toContain("s3cret");
    const note = migration.notes.find((n) => n.property === "value.converter.basic.auth.user.info");
    expect(note?.note).toMatch(/SCHEMA_REGISTRY_AUTH_SECRET_ARN/);
  });

  it("Confluent Avro and JSON Schema converters map to the registry formats", () => {
    const avro = migrateConnectorConfig({
      ...base,
      "value.converter": "io.confluent.connect.avro.AvroConverter",
    });
    expect(avro.environment.VALUE_FORMAT).toBe("avro");
    expect(avro.problems.join("\n")).toMatch(/schema\.registry\.url/);
    const jsonSchema = migrateConnectorConfig({
      ...base,
      "key.converter": "io.confluent.connect.json.JsonSchemaConverter",
      "key.converter.schema.registry.url": "http://r:8081",
    });
    expect(jsonSchema.environment).toMatchObject({
      KEY_FORMAT: "json-schema",
      SCHEMA_REGISTRY_URL: "http://r:8081",
    });
  });

  it("offloading: bucket, field and every record offloaded, as the connector does", () => {
    const migration = migrateConnectorConfig({
      ...base,
      "aws.eventbridge.offloading.default.s3.bucket": "claim-checks",
      "aws.eventbridge.offloading.default.fieldref": "$.detail.value.blob",
      "aws.eventbridge.offloading.default.s3.endpoint.uri": "https://s3.local",
    });
    expect(migration.environment).toMatchObject({
      OFFLOAD_S3_BUCKET: "claim-checks",
      OFFLOAD_JSONPATH: "$.detail.value.blob",
      OFFLOAD_THRESHOLD_BYTES: "0",
    });
    expect(migration.notes.find((n) => n.property.endsWith("s3.endpoint.uri"))?.mappedTo).toBeUndefined();
  });

  it("endpoint, global endpoint, external id; profile and credentials provider say what replaces them", () => {
    const migration = migrateConnectorConfig({
      ...base,
      "aws.eventbridge.endpoint.uri": "https://events.eu-west-1.amazonaws.com",
      "aws.eventbridge.eventbus.global.endpoint.id": "abcde.veo",
      "aws.eventbridge.iam.role.arn": "arn:aws:iam::123456789012:role/put",
      "aws.eventbridge.iam.external.id": "ext-1",
      "aws.eventbridge.iam.profile.name": "prod",
      "aws.eventbridge.auth.credentials_provider.class": "com.example.Provider",
      "aws.eventbridge.time.mapper.class": "com.example.TimeMapper",
    });
    expect(migration.environment).toMatchObject({
      EVENTBRIDGE_ENDPOINT_URL: "https://events.eu-west-1.amazonaws.com",
      GLOBAL_ENDPOINT_ID: "abcde.veo",
      IAM_ROLE_ARN: "arn:aws:iam::123456789012:role/put",
      IAM_EXTERNAL_ID: "ext-1",
    });
    const notes = new Map(migration.notes.map((n) => [n.property, n.note]));
    expect(notes.get("aws.eventbridge.iam.profile.name")).toMatch(/execution role.*IAM_ROLE_ARN/);
    expect(notes.get("aws.eventbridge.auth.credentials_provider.class")).toMatch(
      /execution role.*IAM_ROLE_ARN/,
    );
    expect(notes.get("aws.eventbridge.time.mapper.class")).toMatch(/EVENT_TIME/);
    expect(checkConfig(migration.environment).problems).toEqual([]);
  });

  it("topics.regex, transforms, a misspelt property and another connector class are all reported", () => {
    const { topics: _, ...rest } = base;
    const migration = migrateConnectorConfig({
      ...rest,
      "connector.class": "io.confluent.connect.s3.S3SinkConnector",
      "topics.regex": "orders-.*",
      transforms: "unwrap",
      "transforms.unwrap.type": "io.debezium.transforms.ExtractNewRecordState",
      "aws.eventbridge.detail.type": "typo",
      "errors.deadletterqueue.topic.name": "dlq",
    });
    const problems = migration.problems.join("\n");
    expect(problems).toMatch(/topics\.regex/);
    expect(problems).toMatch(/transforms=unwrap/);
    expect(problems).toMatch(/S3SinkConnector/);
    expect(migration.notes.find((n) => n.property === "aws.eventbridge.detail.type")?.note).toMatch(
      /not a property/,
    );
    expect(
      migration.notes.find(
        (n) => n.property === "errors.deadletterqueue.topic.name" && n.mappedTo === undefined,
      )?.note,
    ).toMatch(/errors\.tolerance=all/);
  });

  it("accounts for every aws.eventbridge.* property of connector v1.6.1 (EventBridgeSinkConfig)", () => {
    const properties = {
      "aws.eventbridge.connector.id": "c",
      "aws.eventbridge.region": "eu-west-1",
      "aws.eventbridge.endpoint.uri": "https://events.eu-west-1.amazonaws.com",
      "aws.eventbridge.eventbus.arn": "arn:aws:events:eu-west-1:123456789012:event-bus/b",
      "aws.eventbridge.eventbus.global.endpoint.id": "abcde.veo",
      "aws.eventbridge.retries.max": "3",
      "aws.eventbridge.retries.delay": "100",
      "aws.eventbridge.iam.profile.name": "p",
      "aws.eventbridge.auth.credentials_provider.class": "com.example.P",
      "aws.eventbridge.iam.role.arn": "arn:aws:iam::123456789012:role/r",
      "aws.eventbridge.iam.external.id": "x",
      "aws.eventbridge.detail.types": "t-${topic}",
      "aws.eventbridge.detail.types.mapper.class":
        "software.amazon.event.kafkaconnector.mapping.DefaultDetailTypeMapper",
      "aws.eventbridge.detail.types.jsonpathmapper.fieldref": "$.type",
      "aws.eventbridge.time.mapper.class": "software.amazon.event.kafkaconnector.mapping.DefaultTimeMapper",
      "aws.eventbridge.eventbus.resources": "r1",
      "aws.eventbridge.offloading.default.s3.endpoint.uri": "https://s3.local",
      "aws.eventbridge.offloading.default.s3.bucket": "b",
      "aws.eventbridge.offloading.default.fieldref": "$.detail.value",
    };
    const migration = migrateConnectorConfig({ ...properties, topics: "orders" });
    const noted = new Set(migration.notes.map((n) => n.property));
    for (const property of Object.keys(properties)) expect(noted, property).toContain(property);
    expect(migration.notes.filter((n) => n.note.includes("not a property of connector"))).toEqual([]);
  });
});
