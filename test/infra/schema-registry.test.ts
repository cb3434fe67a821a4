import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../infra/options";
import { ENV } from "../../lambda/env-names";
import {
  GLUE_REGISTRY_ARN,
  KMS_KEY_ARN,
  mskIam,
  SECRET_ARN,
  selfManaged,
  statementsWith,
  template,
} from "./synth";

const GLUE_SCHEMAS = "arn:aws:glue:eu-west-1:123456789012:schema/orders-schemas/*";
const CONFLUENT = "https://registry.example.com";

const mappings = (t: ReturnType<typeof template>) =>
  Object.values(t.findResources("AWS::Lambda::EventSourceMapping")).map((r) => r.Properties);

describe("the mapping's own schema registry", () => {
  it("configures every mapping with a Glue registry, decoding values to JSON by default", () => {
    const all = mappings(template(mskIam({ mappingSchemaRegistry: { uri: GLUE_REGISTRY_ARN } })));
    expect(all).toHaveLength(2);
    for (const mapping of all) {
      expect(mapping.AmazonManagedKafkaEventSourceConfig.SchemaRegistryConfig).toEqual({
        SchemaRegistryURI: GLUE_REGISTRY_ARN,
        EventRecordFormat: "JSON",
        SchemaValidationConfigs: [{ Attribute: "VALUE" }],
      });
    }
  });

  it("lets the mapping read the Glue registry and its schemas with the function's role, nothing else", () => {
    const t = template(mskIam({ mappingSchemaRegistry: { uri: GLUE_REGISTRY_ARN } }));
    expect(statementsWith(t, "glue:GetSchemaVersion")).toEqual([
      expect.objectContaining({ Resource: [GLUE_REGISTRY_ARN, GLUE_SCHEMAS] }),
    ]);
    expect(statementsWith(t, "glue:GetRegistry")).toEqual([
      expect.objectContaining({ Resource: GLUE_REGISTRY_ARN }),
    ]);
    expect(statementsWith(t, "secretsmanager:GetSecretValue")).toEqual([]);
  });

  it("authenticates to a Confluent registry with the secrets given, validating keys and values as SOURCE", () => {
    const t = template(
      selfManaged({
        mappingSchemaRegistry: {
          uri: CONFLUENT,
          eventRecordFormat: "SOURCE",
          validate: ["KEY", "VALUE"],
          accessConfigs: [
            { type: "BASIC_AUTH", secretArn: SECRET_ARN },
            { type: "SERVER_ROOT_CA_CERTIFICATE", secretArn: `${SECRET_ARN}-ca` },
          ],
          secretKmsKeyArn: KMS_KEY_ARN,
        },
      }),
    );
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      SelfManagedKafkaEventSourceConfig: {
        SchemaRegistryConfig: {
          SchemaRegistryURI: CONFLUENT,
          EventRecordFormat: "SOURCE",
          AccessConfigs: [
            { Type: "BASIC_AUTH", URI: SECRET_ARN },
            { Type: "SERVER_ROOT_CA_CERTIFICATE", URI: `${SECRET_ARN}-ca` },
          ],
          SchemaValidationConfigs: [{ Attribute: "KEY" }, { Attribute: "VALUE" }],
        },
      },
    });
    const secretReads = statementsWith(t, "secretsmanager:GetSecretValue").map((s) => s.Resource);
    expect(secretReads).toContainEqual([SECRET_ARN, `${SECRET_ARN}-ca`]);
    expect(statementsWith(t, "kms:Decrypt")).toEqual([expect.objectContaining({ Resource: KMS_KEY_ARN })]);
  });

  it.each([
    [
      "without provisioned pollers",
      { provisionedPollers: false, mappingSchemaRegistry: { uri: CONFLUENT } },
      /mappingSchemaRegistry need provisioned pollers/,
    ],
    [
      "a URI that is neither an ARN nor a URL",
      { mappingSchemaRegistry: { uri: "registry:8081" } },
      /\.uri must be/,
    ],
    [
      "a Glue ARN of something else",
      { mappingSchemaRegistry: { uri: "arn:aws:glue:eu-west-1:123456789012:schema/a/b" } },
      /mappingSchemaRegistry\.uri must be an ARN of the form arn:aws:glue/,
    ],
    [
      "an unknown record format",
      { mappingSchemaRegistry: { uri: CONFLUENT, eventRecordFormat: "AVRO" } },
      /eventRecordFormat must be one of JSON, SOURCE/,
    ],
    [
      "nothing to validate",
      { mappingSchemaRegistry: { uri: CONFLUENT, validate: [] } },
      /validate must list KEY and\/or VALUE/,
    ],
    [
      "access configs for Glue",
      {
        mappingSchemaRegistry: {
          uri: GLUE_REGISTRY_ARN,
          accessConfigs: [{ type: "BASIC_AUTH", secretArn: SECRET_ARN }],
        },
      },
      /apply to Confluent-compatible registries only/,
    ],
    [
      "three access configs",
      {
        mappingSchemaRegistry: {
          uri: CONFLUENT,
          accessConfigs: ["BASIC_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH", "SERVER_ROOT_CA_CERTIFICATE"].map(
            (type) => ({
              type,
              secretArn: SECRET_ARN,
            }),
          ),
        },
      },
      /at most 2/,
    ],
    [
      "a broker auth type",
      {
        mappingSchemaRegistry: {
          uri: CONFLUENT,
          accessConfigs: [{ type: "SASL_SCRAM_512_AUTH", secretArn: SECRET_ARN }],
        },
      },
      /type must be one of BASIC_AUTH/,
    ],
    [
      "a misspelled field",
      { mappingSchemaRegistry: { url: CONFLUENT } },
      /unknown mappingSchemaRegistry field `url`; did you mean `uri`\?/,
    ],
  ])("rejects a mapping registry %s", (_, extra, message) => {
    expect(() => resolveOptions({ ...mskIam(), ...(extra as object) })).toThrow(message);
  });
});

describe("registries the function reads", () => {
  it("grants no Glue, Secrets Manager or S3 access when no registry or bucket is named", () => {
    const t = template(mskIam());
    for (const action of [
      "glue:GetSchemaVersion",
      "secretsmanager:GetSecretValue",
      "s3:PutObject",
      "kms:Decrypt",
    ]) {
      expect(statementsWith(t, action)).toEqual([]);
    }
  });

  it.each([
    [
      "registries in two regions",
      {
        valueFormat: "avro",
        glueRegistryArns: [GLUE_REGISTRY_ARN, GLUE_REGISTRY_ARN.replace("eu-west-1", "us-east-1")],
      },
      /must be in one region/,
    ],
    [
      "a region other than the registries'",
      { valueFormat: "avro", glueRegistryArns: [GLUE_REGISTRY_ARN], glueRegistryRegion: "us-east-1" },
      /glueRegistryRegion \(GLUE_REGISTRY_REGION\) = "us-east-1" differs/,
    ],
    [
      "a registry ARN that is not one",
      { glueRegistryArns: ["orders-schemas"] },
      /glueRegistryArns must be an ARN/,
    ],
    [
      "an auth secret without a registry URL",
      { schemaRegistryAuthSecretArn: SECRET_ARN },
      /no schemaRegistryUrl/,
    ],
    [
      "a malformed auth secret",
      { schemaRegistryUrl: CONFLUENT, schemaRegistryAuthSecretArn: "registry-creds" },
      /schemaRegistryAuthSecretArn must be an ARN/,
    ],
    [
      "a key without an auth secret",
      { schemaRegistryUrl: CONFLUENT, schemaRegistryAuthSecretKmsKeyArn: KMS_KEY_ARN },
      /no schemaRegistryAuthSecretArn to decrypt/,
    ],
    [
      "Glue registries when no format needs them",
      { glueRegistryArns: [GLUE_REGISTRY_ARN] },
      /glueRegistryArns is set but the function decodes no registry format/,
    ],
    [
      "a registry URL when the mapping decodes the only registry-format values",
      {
        valueFormat: "avro",
        schemaRegistryUrl: CONFLUENT,
        mappingSchemaRegistry: { uri: GLUE_REGISTRY_ARN },
      },
      /schemaRegistryUrl is set but the function decodes no registry format/,
    ],
    [
      "a registry format with no registry",
      { valueFormat: { orders: "avro" } },
      /valueFormat \(VALUE_FORMAT\) names a registry format .* give schemaRegistryUrl and\/or glueRegistryArns/,
    ],
    [
      "a registry format on values the mapping strips of their schema ids",
      {
        valueFormat: "avro",
        glueRegistryArns: [GLUE_REGISTRY_ARN],
        mappingSchemaRegistry: { uri: GLUE_REGISTRY_ARN, eventRecordFormat: "SOURCE" },
      },
      /eventRecordFormat SOURCE strips the values' schema ids/,
    ],
  ])("rejects %s", (_, extra, message) => {
    expect(() => resolveOptions({ ...mskIam(), ...(extra as object) })).toThrow(message);
  });

  it("needs no registry of its own for values the mapping decodes into JSON", () => {
    expect(() =>
      resolveOptions(mskIam({ valueFormat: "avro", mappingSchemaRegistry: { uri: GLUE_REGISTRY_ARN } })),
    ).not.toThrow();
  });
});

describe("registries the function decodes from", () => {
  it("reads the Confluent registry's auth secret, and its key, and nothing else of Secrets Manager", () => {
    const t = template(
      mskIam({
        valueFormat: "avro",
        schemaRegistryUrl: CONFLUENT,
        schemaRegistryAuthSecretArn: SECRET_ARN,
        schemaRegistryAuthSecretKmsKeyArn: KMS_KEY_ARN,
      }),
    );
    expect(statementsWith(t, "secretsmanager:GetSecretValue")).toEqual([
      expect.objectContaining({ Resource: SECRET_ARN }),
    ]);
    expect(statementsWith(t, "kms:Decrypt")).toEqual([expect.objectContaining({ Resource: KMS_KEY_ARN })]);
    expect(statementsWith(t, "glue:GetSchemaVersion")).toEqual([]);
    const fn = Object.values(t.findResources("AWS::Lambda::Function"))[0];
    expect(fn?.Properties.Environment.Variables).toMatchObject({
      [ENV.valueFormat]: "avro",
      [ENV.schemaRegistryUrl]: CONFLUENT,
      [ENV.schemaRegistryAuthSecretArn]: SECRET_ARN,
    });
  });

  it("grants glue:GetSchemaVersion on the named registries and their schemas only, and sets their region", () => {
    const t = template(mskIam({ valueFormat: "avro", glueRegistryArns: [GLUE_REGISTRY_ARN] }));
    expect(statementsWith(t, "glue:GetSchemaVersion")).toEqual([
      expect.objectContaining({ Resource: [GLUE_REGISTRY_ARN, GLUE_SCHEMAS] }),
    ]);
    const fn = Object.values(t.findResources("AWS::Lambda::Function"))[0];
    expect(fn?.Properties.Environment.Variables[ENV.glueRegistryRegion]).toBe("eu-west-1");
  });

  it("decodes avro values through Glue with the registry grant", () => {
    const t = template(mskIam({ valueFormat: { orders: "avro" }, glueRegistryArns: [GLUE_REGISTRY_ARN] }));
    expect(statementsWith(t, "glue:GetSchemaVersion")).toHaveLength(1);
  });
});
