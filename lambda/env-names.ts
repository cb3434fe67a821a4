/**
 * Every environment variable the function reads, by role. The CDK construct builds the function's
 * environment from this map, so the handler and the deployment cannot drift apart.
 * The names and their meaning are the public contract of SPEC.md §3–§9.
 */
export const ENV = {
  connectorId: "CONNECTOR_ID",
  eventBusArn: "EVENT_BUS_ARN",
  eventSource: "EVENT_SOURCE",
  detailTypes: "DETAIL_TYPES",
  detailTypeJsonPath: "DETAIL_TYPE_JSONPATH",
  eventResources: "EVENT_RESOURCES",
  eventTime: "EVENT_TIME",
  globalEndpointId: "GLOBAL_ENDPOINT_ID",
  keyFormat: "KEY_FORMAT",
  valueFormat: "VALUE_FORMAT",
  maxRequestBytes: "MAX_REQUEST_BYTES",
  maxConcurrency: "MAX_CONCURRENCY",
  retryDelayMs: "RETRY_DELAY_MS",
  retriesMax: "RETRIES_MAX",
  deadlineMarginMs: "DEADLINE_MARGIN_MS",
  eventBridgeEndpointUrl: "EVENTBRIDGE_ENDPOINT_URL",
  iamRoleArn: "IAM_ROLE_ARN",
  iamExternalId: "IAM_EXTERNAL_ID",
  dlqUrl: "DLQ_URL",
  partialBatchResponse: "PARTIAL_BATCH_RESPONSE",
  logLevel: "LOG_LEVEL",
  logRecordPayloads: "LOG_RECORD_PAYLOADS",
  headerFormat: "HEADER_FORMAT",
  decimalFormat: "DECIMAL_FORMAT",
  schemaRegistryUrl: "SCHEMA_REGISTRY_URL",
  schemaRegistryAuthSecretArn: "SCHEMA_REGISTRY_AUTH_SECRET_ARN",
  glueRegistryRegion: "GLUE_REGISTRY_REGION",
  offloadS3Bucket: "OFFLOAD_S3_BUCKET",
  offloadJsonPath: "OFFLOAD_JSONPATH",
  offloadThresholdBytes: "OFFLOAD_THRESHOLD_BYTES",
  offloadS3Prefix: "OFFLOAD_S3_PREFIX",
} as const;

export type EnvRole = keyof typeof ENV;
export type EnvName = (typeof ENV)[EnvRole];

/** The record formats `KEY_FORMAT` / `VALUE_FORMAT` accept (SPEC.md §3). */
export const RECORD_FORMATS = [
  "json",
  "string",
  "base64",
  "auto",
  "avro",
  "protobuf",
  "json-schema",
] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

/** The schema-registry formats (SPEC §9): their bytes carry a Confluent or AWS Glue wire header. */
export const REGISTRY_FORMATS = ["avro", "protobuf", "json-schema"] as const;
export type RegistryFormat = (typeof REGISTRY_FORMATS)[number];

/** How header values are rendered in `detail.headers` (SPEC §3). */
export const HEADER_FORMATS = ["connector", "string", "base64"] as const;
export type HeaderFormat = (typeof HEADER_FORMATS)[number];

/** How Avro decimals are rendered: the connector's base64 of the unscaled integer, or an exact number. */
export const DECIMAL_FORMATS = ["base64", "numeric"] as const;
export type DecimalFormat = (typeof DECIMAL_FORMATS)[number];
