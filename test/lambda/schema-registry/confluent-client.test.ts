import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { confluentSchemaRegistry } from "../../../lambda/schema-registry/confluent-client";
import {
  RegistryUnavailableError,
  UnknownSchemaError,
} from "../../../lambda/schema-registry/registry-errors";
import { type ScriptedRegistry, scriptedRegistry } from "./scripted-registry";

const AVRO = '{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}';
let registry: ScriptedRegistry;
const never = new AbortController().signal;

beforeAll(async () => {
  registry = await scriptedRegistry();
});
afterAll(() => registry.close());
beforeEach(() => {
  registry.ids.clear();
  registry.subjects.clear();
  registry.requests.length = 0;
  registry.faults.length = 0;
  registry.basicAuth = undefined;
});

describe("confluentSchemaRegistry", () => {
  it("fetches a schema by id; an absent schemaType is Avro", async () => {
    registry.ids.set(42, { schema: AVRO });
    const schemaById = confluentSchemaRegistry({ url: `${registry.url}/` });
    const schema = await schemaById(42, never);
    expect(schema).toEqual({ format: "avro", text: AVRO, references: new Map() });
    expect(registry.requests.map((request) => request.path)).toEqual(["/schemas/ids/42"]);
  });

  it.each([
    ["PROTOBUF", "protobuf"],
    ["JSON", "json-schema"],
  ])("maps schemaType %s to the %s format", async (schemaType, format) => {
    registry.ids.set(1, { schema: "text", schemaType });
    await expect(confluentSchemaRegistry({ url: registry.url })(1, never)).resolves.toMatchObject({ format });
  });

  it("resolves references recursively, each subject version once, by the name they are imported as", async () => {
    registry.ids.set(3, {
      schemaType: "PROTOBUF",
      schema: 'import "a.proto"; import "b.proto";',
      references: [
        { name: "a.proto", subject: "a", version: 1 },
        { name: "b.proto", subject: "b value", version: 2 },
      ],
    });
    registry.subjects.set("a/1", {
      schemaType: "PROTOBUF",
      schema: 'import "common.proto";',
      references: [{ name: "common.proto", subject: "common", version: 1 }],
    });
    registry.subjects.set("b value/2", {
      schemaType: "PROTOBUF",
      schema: 'import "common.proto";',
      references: [{ name: "common.proto", subject: "common", version: 1 }],
    });
    registry.subjects.set("common/1", { schemaType: "PROTOBUF", schema: "message Common {}" });
    const schema = await confluentSchemaRegistry({ url: registry.url })(3, never);
    expect(Object.fromEntries(schema.references)).toEqual({
      "a.proto": 'import "common.proto";',
      "b.proto": 'import "common.proto";',
      "common.proto": "message Common {}",
    });
    const paths = registry.requests.map((request) => request.path);
    expect(paths.filter((path) => path === "/subjects/common/versions/1")).toHaveLength(1);
    expect(paths).toContain("/subjects/b%20value/versions/2");
  });

  it("sends basic auth from the credentials", async () => {
    registry.basicAuth = "reader:s3cret:with-colon";
    registry.ids.set(5, { schema: AVRO });
    const schemaById = confluentSchemaRegistry({
      url: registry.url,
      credentials: async () => ({ username: "reader", password: "s3cret:with-colon" }),
    });
    await expect(schemaById(5, never)).resolves.toMatchObject({ text: AVRO });
  });

  it("is retryable when the registry refuses the credentials (401), hinting at the secret", async () => {
    registry.basicAuth = "reader:right";
    registry.ids.set(5, { schema: AVRO });
    const schemaById = confluentSchemaRegistry({
      url: registry.url,
      credentials: async () => ({ username: "reader", password: "wrong" }),
    });
    const error = await schemaById(5, never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as Error).message).toMatch(/HTTP 401.*SCHEMA_REGISTRY_AUTH_SECRET_ARN/);
  });

  it("is retryable when the credentials cannot be read", async () => {
    const schemaById = confluentSchemaRegistry({
      url: registry.url,
      credentials: () => Promise.reject(new Error("AccessDeniedException")),
    });
    await expect(schemaById(5, never)).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(registry.requests).toHaveLength(0);
  });

  it("is poison (UnknownSchemaError) when the id is unknown (404)", async () => {
    const error = await confluentSchemaRegistry({ url: registry.url })(404_404, never).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnknownSchemaError);
    expect((error as Error).message).toContain("schema id 404404");
  });

  it("is poison when a reference is missing (404)", async () => {
    registry.ids.set(6, { schema: AVRO, references: [{ name: "x.Y", subject: "gone", version: 9 }] });
    const error = await confluentSchemaRegistry({ url: registry.url })(6, never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownSchemaError);
    expect((error as Error).message).toMatch(/reference "x.Y".*"gone" version 9/);
  });

  it.each([
    ["HTTP 500", { status: 500 }],
    ["HTTP 503", { status: 503 }],
    ["HTTP 429 (throttled)", { status: 429 }],
    ["HTTP 403", { status: 403 }],
    ["a reset connection", { reset: true as const }],
    ["a 200 that is not a schema", { status: 200, body: '{"unexpected":true}' }],
    ["a 200 that is not JSON", { status: 200, body: "<html>proxy</html>" }],
  ])("is retryable on %s", async (_, fault) => {
    registry.ids.set(7, { schema: AVRO });
    registry.faults.push(fault);
    const error = await confluentSchemaRegistry({ url: registry.url })(7, never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryUnavailableError);
  });

  it("is retryable when the registry does not answer within the request timeout", async () => {
    registry.ids.set(8, { schema: AVRO });
    registry.faults.push({ delayMs: 2_000 });
    const error = await confluentSchemaRegistry({ url: registry.url, requestTimeoutMs: 100 })(8, never).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as Error).message).toContain("no answer within 100 ms");
  });

  it("is retryable when the invocation's signal aborts first", async () => {
    registry.ids.set(8, { schema: AVRO });
    registry.faults.push({ delayMs: 2_000 });
    const error = await confluentSchemaRegistry({ url: registry.url })(8, AbortSignal.timeout(50)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as Error).message).toContain("deadline");
  });

  it("is retryable when nothing listens at the URL", async () => {
    const closed = await scriptedRegistry();
    await closed.close();
    await expect(confluentSchemaRegistry({ url: closed.url })(1, never)).rejects.toBeInstanceOf(
      RegistryUnavailableError,
    );
  });
});
