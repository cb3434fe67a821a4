import { describe, expect, it } from "vitest";
import { checkConfig, loadConfig } from "../../../lambda/config";
import { ENV } from "../../../lambda/env-names";
import type { ConfigError } from "../../../lambda/errors";

const REQUIRED = {
  CONNECTOR_ID: "orders-sink",
  EVENT_BUS_ARN: "arn:aws:events:eu-west-3:123456789012:event-bus/orders-bus",
} as const;
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:registry/auth-AbCdEf";

function problems(env: Record<string, string>): ConfigError[] {
  return [...checkConfig({ ...REQUIRED, ...env }).problems];
}

describe("configuration: schema-registry settings", () => {
  it("has no registry and base64 decimals by default", () => {
    const config = loadConfig(REQUIRED);
    expect(config.schemaRegistryUrl).toBeUndefined();
    expect(config.schemaRegistryAuthSecretArn).toBeUndefined();
    expect(config.glueRegistryRegion).toBeUndefined();
    expect(config.decimalFormat).toBe("base64");
  });

  it.each(["avro", "protobuf", "json-schema", "orders:avro,logs:protobuf,json"])(
    "accepts VALUE_FORMAT=%s and KEY_FORMAT=%s",
    (value) => {
      expect(problems({ VALUE_FORMAT: value, KEY_FORMAT: value })).toEqual([]);
    },
  );

  it("takes a registry format per topic", () => {
    const config = loadConfig({ ...REQUIRED, VALUE_FORMAT: "json,orders:avro" });
    expect(config.valueFormat.byTopic.get("orders")).toBe("avro");
    expect(config.valueFormat.defaultFormat).toBe("json");
  });

  it("accepts a registry format without SCHEMA_REGISTRY_URL (Glue needs none)", () => {
    expect(problems({ VALUE_FORMAT: "avro" })).toEqual([]);
  });

  it("reads the registry settings", () => {
    const config = loadConfig({
      ...REQUIRED,
      SCHEMA_REGISTRY_URL: "http://127.0.0.1:8080/apis/ccompat/v7",
      SCHEMA_REGISTRY_AUTH_SECRET_ARN: SECRET_ARN,
      GLUE_REGISTRY_REGION: "eu-central-1",
      DECIMAL_FORMAT: "numeric",
    });
    expect(config).toMatchObject({
      schemaRegistryUrl: "http://127.0.0.1:8080/apis/ccompat/v7",
      schemaRegistryAuthSecretArn: SECRET_ARN,
      glueRegistryRegion: "eu-central-1",
      decimalFormat: "numeric",
    });
  });

  it.each([
    [ENV.schemaRegistryUrl, "registry.example.com"],
    [ENV.schemaRegistryUrl, "ftp://registry.example.com"],
    [ENV.schemaRegistryUrl, "https://user:pass@registry.example.com"],
    [ENV.glueRegistryRegion, "Europe"],
    [ENV.decimalFormat, "string"],
  ])("rejects %s=%j, naming the variable and what is allowed", (name, value) => {
    const [problem, ...more] = problems({ [name]: value });
    expect(more).toEqual([]);
    expect(problem?.variable).toBe(name);
    expect(problem?.message).toContain(JSON.stringify(value));
    expect(problem?.expected).not.toBe("");
  });

  it("rejects an auth secret that is not a Secrets Manager ARN", () => {
    const [problem] = problems({
      SCHEMA_REGISTRY_URL: "https://registry.example.com",
      SCHEMA_REGISTRY_AUTH_SECRET_ARN: "registry-auth",
    });
    expect(problem?.variable).toBe(ENV.schemaRegistryAuthSecretArn);
    expect(problem?.expected).toMatch(/arn:aws:secretsmanager/);
  });

  it("asks for SCHEMA_REGISTRY_URL when only the auth secret is set", () => {
    const [problem] = problems({ SCHEMA_REGISTRY_AUTH_SECRET_ARN: SECRET_ARN });
    expect(problem?.variable).toBe(ENV.schemaRegistryUrl);
    expect(problem?.message).toContain(ENV.schemaRegistryAuthSecretArn);
  });

  it("lists the registry formats when a format is unknown", () => {
    const [problem] = problems({ VALUE_FORMAT: "orders:avro2" });
    for (const format of ["avro", "protobuf", "json-schema"]) expect(problem?.message).toContain(format);
  });
});
