import { Token } from "aws-cdk-lib";
import { ENV, REGISTRY_FORMATS } from "../lambda/env-names";
import { assertKmsKeyArn, assertSecretArn, type GlueRegistryArn, parseGlueRegistryArn } from "./arns";
import { unknownNames } from "./did-you-mean";
import type { HandlerSettingsProps } from "./handler-settings";
import type { KafkaToEventBridgeProps } from "./options";

/** The format Lambda hands the function records in after the mapping's schema validation. */
export const EVENT_RECORD_FORMATS = ["JSON", "SOURCE"] as const;
/** What the mapping's schema registry validates (and with `JSON`, decodes). */
export const SCHEMA_VALIDATION_ATTRIBUTES = ["KEY", "VALUE"] as const;
/** How Lambda authenticates to a Confluent-compatible registry; Glue uses the function's role. */
export const SCHEMA_REGISTRY_ACCESS_TYPES = [
  "BASIC_AUTH",
  "CLIENT_CERTIFICATE_TLS_AUTH",
  "SERVER_ROOT_CA_CERTIFICATE",
] as const;

/**
 * The event source mapping's own schema registry (`SchemaRegistryConfig`).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-consume-kafka-events.html
 */
export interface MappingSchemaRegistry {
  /** A Glue registry ARN, or the URL of a Confluent-compatible registry. */
  readonly uri: string;
  /**
   * `JSON` decodes the validated attributes into JSON; `SOURCE` keeps their bytes without the wire header.
   *
   * @default "JSON"
   */
  readonly eventRecordFormat?: (typeof EVENT_RECORD_FORMATS)[number];
  /**
   * The attributes validated against the registry.
   *
   * @default ["VALUE"]
   */
  readonly validate?: readonly (typeof SCHEMA_VALIDATION_ATTRIBUTES)[number][];
  /**
   * Confluent-compatible registries: at most two secrets, each of a different type.
   *
   * @default - no authentication
   */
  readonly accessConfigs?: readonly {
    readonly type: (typeof SCHEMA_REGISTRY_ACCESS_TYPES)[number];
    readonly secretArn: string;
  }[];
  /**
   * Customer managed KMS key of the access secrets: the role gets `kms:Decrypt` on it.
   *
   * @default - the secrets use the AWS managed key
   */
  readonly secretKmsKeyArn?: string;
}

export interface ResolvedMappingSchemaRegistry {
  readonly registry:
    | { readonly kind: "glue"; readonly arn: GlueRegistryArn }
    | { readonly kind: "confluent"; readonly url: string };
  readonly eventRecordFormat: (typeof EVENT_RECORD_FORMATS)[number];
  readonly validate: readonly (typeof SCHEMA_VALIDATION_ATTRIBUTES)[number][];
  readonly accessConfigs: NonNullable<MappingSchemaRegistry["accessConfigs"]>;
  readonly secretKmsKeyArn: string | undefined;
}

/** The function's own registries: the Glue registries it may read, the Confluent auth secret and its key. */
export interface ResolvedRegistries {
  readonly glueRegistries: readonly GlueRegistryArn[];
  readonly glueRegistryRegion: string | undefined;
  readonly authSecretArn: string | undefined;
  readonly authSecretKmsKeyArn: string | undefined;
}

/** A registry format on the key or value of any topic (`avro`, or `orders:protobuf`). */
function registryFormatsUsed(props: KafkaToEventBridgeProps): { key: boolean; value: boolean } {
  const uses = (setting: HandlerSettingsProps["keyFormat"]): boolean => {
    if (setting === undefined) return false;
    const formats =
      typeof setting === "string"
        ? setting.split(",").map((item) => item.slice(item.lastIndexOf(":") + 1).trim())
        : Object.values(setting);
    return formats.some((format) => (REGISTRY_FORMATS as readonly string[]).includes(format));
  };
  return { key: uses(props.keyFormat), value: uses(props.valueFormat) };
}

// Confluent-compatible registry URLs; Lambda's SchemaRegistryURI takes an https URL or a Glue registry ARN.
const HTTP_URL = /^https?:\/\/\S+$/;

/** Validates the mapping's own schema registry (`SchemaRegistryConfig`); provisioned mode is checked by the caller. */
export function resolveMappingSchemaRegistry(
  props: KafkaToEventBridgeProps,
): ResolvedMappingSchemaRegistry | undefined {
  const config = props.mappingSchemaRegistry;
  if (config === undefined) return undefined;
  const option = "mappingSchemaRegistry";
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new Error(`${option} must be an object { uri, eventRecordFormat?, validate?, accessConfigs? }`);
  }
  const known = ["uri", "eventRecordFormat", "validate", "accessConfigs", "secretKmsKeyArn"];
  const unknown = unknownNames(Object.keys(config), known, `${option} field`);
  if (unknown.length > 0) throw new Error(unknown.join("\n"));
  const { uri } = config;
  let registry: ResolvedMappingSchemaRegistry["registry"];
  if (typeof uri === "string" && uri.startsWith("arn:")) {
    registry = { kind: "glue", arn: parseGlueRegistryArn(`${option}.uri`, uri) };
  } else if (typeof uri === "string" && (Token.isUnresolved(uri) || HTTP_URL.test(uri))) {
    registry = { kind: "confluent", url: uri };
  } else {
    throw new Error(
      `${option}.uri must be a Glue registry ARN or a Confluent-compatible registry URL, got ${JSON.stringify(uri)}`,
    );
  }
  const eventRecordFormat = config.eventRecordFormat ?? "JSON";
  if (!(EVENT_RECORD_FORMATS as readonly string[]).includes(eventRecordFormat)) {
    throw new Error(
      `${option}.eventRecordFormat must be one of ${EVENT_RECORD_FORMATS.join(", ")}, got ${JSON.stringify(eventRecordFormat)}`,
    );
  }
  const validate = config.validate ?? ["VALUE"];
  if (
    !Array.isArray(validate) ||
    validate.length === 0 ||
    new Set(validate).size !== validate.length ||
    validate.some((attribute) => !(SCHEMA_VALIDATION_ATTRIBUTES as readonly string[]).includes(attribute))
  ) {
    throw new Error(
      `${option}.validate must list KEY and/or VALUE once each, got ${JSON.stringify(validate)}`,
    );
  }
  const accessConfigs = config.accessConfigs ?? [];
  if (registry.kind === "glue" && accessConfigs.length > 0) {
    throw new Error(
      `${option}.accessConfigs apply to Confluent-compatible registries only; Lambda reads a Glue registry with the function's role`,
    );
  }
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-eventsourcemapping-schemaregistryconfig.html
  if (accessConfigs.length > 2) throw new Error(`${option}.accessConfigs takes at most 2 entries`);
  const types = new Set<string>();
  for (const access of accessConfigs) {
    if (!(SCHEMA_REGISTRY_ACCESS_TYPES as readonly string[]).includes(access.type)) {
      throw new Error(
        `${option}.accessConfigs type must be one of ${SCHEMA_REGISTRY_ACCESS_TYPES.join(", ")}, got ${JSON.stringify(access.type)}`,
      );
    }
    if (types.has(access.type)) throw new Error(`${option}.accessConfigs repeats type ${access.type}`);
    types.add(access.type);
    if (!Token.isUnresolved(access.secretArn))
      assertSecretArn(`${option}.accessConfigs secretArn`, access.secretArn);
  }
  if (config.secretKmsKeyArn !== undefined) {
    if (accessConfigs.length === 0) {
      throw new Error(`${option}.secretKmsKeyArn is set but there is no access secret to decrypt`);
    }
    assertKmsKeyArn(`${option}.secretKmsKeyArn`, config.secretKmsKeyArn);
  }
  return {
    registry,
    eventRecordFormat: eventRecordFormat as ResolvedMappingSchemaRegistry["eventRecordFormat"],
    validate,
    accessConfigs,
    secretKmsKeyArn: config.secretKmsKeyArn,
  };
}

/**
 * The function's own registries: Glue registries it may read, the Confluent auth secret and its key. A
 * registry format the function decodes itself needs one of them, or every record of it would fail.
 */
export function resolveFunctionRegistries(
  props: KafkaToEventBridgeProps,
  mapping: ResolvedMappingSchemaRegistry | undefined,
): ResolvedRegistries {
  const glueRegistries = (props.glueRegistryArns ?? []).map((arn) =>
    parseGlueRegistryArn("glueRegistryArns", arn),
  );
  const regions = [...new Set(glueRegistries.map((registry) => registry.region))];
  if (regions.length > 1) {
    throw new Error(
      `glueRegistryArns must be in one region (the function reads Glue in GLUE_REGISTRY_REGION), got ${regions.join(", ")}`,
    );
  }
  const glueRegistryRegion = props.glueRegistryRegion;
  if (
    glueRegistryRegion !== undefined &&
    regions[0] !== undefined &&
    !Token.isUnresolved(glueRegistryRegion)
  ) {
    if (glueRegistryRegion !== regions[0]) {
      throw new Error(
        `glueRegistryRegion (GLUE_REGISTRY_REGION) = "${glueRegistryRegion}" differs from the region of glueRegistryArns (${regions[0]})`,
      );
    }
  }
  const authSecretArn = props.schemaRegistryAuthSecretArn;
  if (authSecretArn !== undefined && !Token.isUnresolved(authSecretArn)) {
    assertSecretArn("schemaRegistryAuthSecretArn", authSecretArn);
  }
  if (authSecretArn !== undefined && props.schemaRegistryUrl === undefined) {
    throw new Error(
      "schemaRegistryAuthSecretArn is set but there is no schemaRegistryUrl to authenticate to",
    );
  }
  const kmsKeyArn = props.schemaRegistryAuthSecretKmsKeyArn;
  if (kmsKeyArn !== undefined) {
    if (authSecretArn === undefined) {
      throw new Error(
        "schemaRegistryAuthSecretKmsKeyArn is set but there is no schemaRegistryAuthSecretArn to decrypt",
      );
    }
    assertKmsKeyArn("schemaRegistryAuthSecretKmsKeyArn", kmsKeyArn);
  }
  // Records the mapping decoded into JSON reach the function as JSON, so it needs no registry for them; with
  // SOURCE the mapping strips the wire header, so the function cannot look their schema up at all.
  const used = registryFormatsUsed(props);
  for (const attribute of ["key", "value"] as const) {
    if (!used[attribute]) continue;
    const decodedByMapping = mapping?.validate.includes(attribute === "key" ? "KEY" : "VALUE") ?? false;
    const role = attribute === "key" ? "keyFormat" : "valueFormat";
    if (decodedByMapping && mapping?.eventRecordFormat === "SOURCE") {
      throw new Error(
        `${role} (${ENV[role]}) names a registry format, but mappingSchemaRegistry with eventRecordFormat SOURCE strips the ${attribute}s' schema ids; use base64, or eventRecordFormat JSON`,
      );
    }
    if (!decodedByMapping && props.schemaRegistryUrl === undefined && glueRegistries.length === 0) {
      throw new Error(
        `${role} (${ENV[role]}) names a registry format (avro, protobuf, json-schema): give schemaRegistryUrl and/or glueRegistryArns, or let mappingSchemaRegistry decode the ${attribute}s`,
      );
    }
  }
  // No grant for a feature the function does not use: registries only serve the registry formats.
  const decodesItself = (["key", "value"] as const).some(
    (attribute) =>
      used[attribute] && !(mapping?.validate.includes(attribute === "key" ? "KEY" : "VALUE") ?? false),
  );
  if (!decodesItself) {
    for (const [option, isSet] of [
      ["glueRegistryArns", glueRegistries.length > 0],
      ["schemaRegistryUrl", props.schemaRegistryUrl !== undefined],
    ] as const) {
      if (isSet) {
        throw new Error(
          `${option} is set but the function decodes no registry format: set keyFormat or valueFormat to avro, protobuf or json-schema, or remove it`,
        );
      }
    }
  }
  return {
    glueRegistries,
    glueRegistryRegion: glueRegistryRegion ?? regions[0],
    authSecretArn,
    authSecretKmsKeyArn: kmsKeyArn,
  };
}
