import { Token } from "aws-cdk-lib";
import { checkConfig, type LogLevel } from "../lambda/config";
import {
  characterCount,
  DEFAULT_DETAIL_TYPE_TEMPLATE,
  DETAIL_TYPE_MAX_CHARS,
  detailTypeFor,
  isDetailTypeWithinLimit,
} from "../lambda/core/detail-type";
import {
  type DecimalFormat,
  ENV,
  type EnvName,
  type EnvRole,
  type HeaderFormat,
  type RecordFormat,
} from "../lambda/env-names";

/**
 * A value per topic. The key `*` stands for every topic not listed (Kafka topic names cannot contain
 * `*`); topics neither listed nor covered by `*` get the handler's default.
 */
export type PerTopic<T extends string> = { readonly [topic: string]: T };

/**
 * The handler's own settings, each a typed construct option passed to the function as the environment
 * variable named in `ENV` (SPEC §3–§9). The construct validates them at synth with the function's own
 * loader (`checkConfig` of `lambda/config.ts`), so a deployment cannot carry a value the function would
 * reject at cold start. A value that is a token (known only at deploy time) is passed through unchecked.
 */
export interface HandlerSettingsProps {
  /**
   * `CONNECTOR_ID`: events get `Source: kafka-connect.<connectorId>` unless `eventSource` is set. Use the
   * Kafka Connect connector's name to keep rules written for it matching.
   *
   * @default "kafka-eventbridge-lambda" (from `cdk.json`; required on the construct)
   */
  readonly connectorId: string;
  /**
   * `EVENT_SOURCE`: the events' `Source`, 1 to 256 characters, not starting with `aws.` (reserved for AWS).
   *
   * @default `kafka-connect.<connectorId>`
   */
  readonly eventSource?: string;
  /**
   * `DETAIL_TYPES`: one detail-type for every topic, with `${topic}` replaced by the record's topic, or one
   * per topic. Each topic's detail-type must fit EventBridge's 128 characters, checked at synth. As a
   * string, the connector's syntax: a template (`my-type-${topic}`) or a list (`orders:OrderPlaced,...`).
   *
   * @default "kafka-connect-${topic}"
   */
  readonly detailTypes?: string | PerTopic<string>;
  /**
   * `DETAIL_TYPE_JSONPATH`: a JSONPath to a string field of the value to take the detail-type from, falling
   * back to `detailTypes` when absent.
   *
   * @default - the detail-type comes from `detailTypes` only
   */
  readonly detailTypeJsonPath?: string;
  /**
   * `EVENT_RESOURCES`: the events' `Resources`, at most 100 of at most 2,048 characters each.
   *
   * @default - none (`[]` on the event)
   */
  readonly eventResources?: readonly string[];
  /**
   * `EVENT_TIME`: where the events' `Time` comes from: `timestamp` (the Kafka timestamp) or a JSONPath into
   * the value (an ISO-8601 string or epoch milliseconds).
   *
   * @default - not set: EventBridge stamps the time
   */
  readonly eventTime?: string;
  /**
   * `GLOBAL_ENDPOINT_ID`: send through this EventBridge global endpoint (`abcde.veo`), signed with SigV4a.
   *
   * @default - the bus's regional endpoint
   */
  readonly globalEndpointId?: string;
  /**
   * `KEY_FORMAT`: how keys are decoded, for every topic or per topic.
   *
   * @default "string"
   */
  readonly keyFormat?: RecordFormat | PerTopic<RecordFormat>;
  /**
   * `VALUE_FORMAT`: how values are decoded, for every topic or per topic.
   *
   * @default "json"
   */
  readonly valueFormat?: RecordFormat | PerTopic<RecordFormat>;
  /**
   * `HEADER_FORMAT`: how header values are rendered: `connector` (Kafka Connect's SimpleHeaderConverter),
   * `string` or `base64`.
   *
   * @default "connector"
   */
  readonly headerFormat?: HeaderFormat;
  /**
   * `DECIMAL_FORMAT`: how Avro decimals are rendered: `base64` of the unscaled integer, as the connector
   * does, or `numeric`, an exact JSON number.
   *
   * @default "base64"
   */
  readonly decimalFormat?: DecimalFormat;
  /**
   * `MAX_REQUEST_BYTES`: byte budget of one PutEvents request (AWS entry-size formula), 1,024 to 1,048,575.
   *
   * @default 1048575
   */
  readonly maxRequestBytes?: number;
  /**
   * `MAX_CONCURRENCY`: most PutEvents requests in flight per invocation, 1 to 256.
   *
   * @default 16
   */
  readonly maxConcurrency?: number;
  /**
   * `RETRY_DELAY_MS`: base of the exponential backoff with full jitter, in milliseconds.
   *
   * @default 200
   */
  readonly retryDelayMs?: number;
  /**
   * `RETRIES_MAX`: retries after the first attempt for throttled or failed entries and requests.
   *
   * @default 2
   */
  readonly retriesMax?: number;
  /**
   * `DEADLINE_MARGIN_MS`: time kept back before the Lambda timeout, in milliseconds.
   *
   * @default 1500
   */
  readonly deadlineMarginMs?: number;
  /**
   * `EVENTBRIDGE_ENDPOINT_URL`: an http(s) URL that overrides the EventBridge endpoint (an emulator).
   *
   * @default - the AWS endpoint of the bus's region
   */
  readonly eventBridgeEndpointUrl?: string;
  /**
   * `IAM_ROLE_ARN`: a role assumed for the EventBridge calls (a bus in another account). The function's role
   * then gets `sts:AssumeRole` on it instead of `events:PutEvents`.
   *
   * @default - the function's own role puts the events
   */
  readonly iamRoleArn?: string;
  /**
   * `IAM_EXTERNAL_ID`: external id sent to STS with `iamRoleArn`.
   *
   * @default - none
   */
  readonly iamExternalId?: string;
  /**
   * `LOG_LEVEL`: the Powertools log level, in capitals as Powertools reads it.
   *
   * @default "INFO"
   */
  readonly logLevel?: LogLevel;
  /**
   * `LOG_RECORD_PAYLOADS`: with `logLevel` `DEBUG` or `TRACE`, log record keys and values.
   *
   * @default false
   */
  readonly logRecordPayloads?: boolean;
  /**
   * `SCHEMA_REGISTRY_URL`: a Confluent-compatible schema registry for the `avro`, `protobuf` and
   * `json-schema` formats (Confluent wire format).
   *
   * @default - no Confluent-compatible registry
   */
  readonly schemaRegistryUrl?: string;
  /**
   * `SCHEMA_REGISTRY_AUTH_SECRET_ARN`: Secrets Manager secret (full ARN) holding `{"username","password"}`
   * for the registry's basic auth. The function's role may read this secret only.
   *
   * @default - no authentication
   */
  readonly schemaRegistryAuthSecretArn?: string;
  /**
   * `GLUE_REGISTRY_REGION`: the region of the AWS Glue registries.
   *
   * @default - the region of `glueRegistryArns`, else the function's region
   */
  readonly glueRegistryRegion?: string;
  /**
   * `OFFLOAD_JSONPATH`: the part of the event moved to the claim-check bucket.
   *
   * @default "$.detail.value"
   */
  readonly offloadJsonPath?: string;
  /**
   * `OFFLOAD_THRESHOLD_BYTES`: entries larger than this are offloaded; `0` offloads every record.
   *
   * @default - only entries that would not fit `maxRequestBytes`
   */
  readonly offloadThresholdBytes?: number;
  /**
   * `OFFLOAD_S3_PREFIX`: prefix of the claim-check object keys (`<prefix><topic>/<partition>/<offset>`).
   * The function's role may put objects under this prefix only.
   *
   * @default "" (no prefix)
   */
  readonly offloadS3Prefix?: string;
}

/**
 * Handler variables the construct sets from its own resources and options rather than from a handler
 * setting: the bus it grants, the queue it creates, the mappings' response types, the bucket it
 * creates or takes.
 */
export const DERIVED_ROLES = [
  "eventBusArn",
  "dlqUrl",
  "partialBatchResponse",
  "offloadS3Bucket",
] as const satisfies readonly EnvRole[];

export type HandlerSettingRole = Exclude<EnvRole, (typeof DERIVED_ROLES)[number]>;

/** The shape of each handler setting, which is also how the CDK context reads it. */
export type SettingKind = "string" | "list" | "integer" | "boolean" | "perTopic";

/** Every handler setting, by its role name in `ENV` (the option's name), with its kind. */
export const HANDLER_SETTINGS: { readonly [R in HandlerSettingRole]-?: SettingKind } = {
  connectorId: "string",
  eventSource: "string",
  detailTypes: "perTopic",
  detailTypeJsonPath: "string",
  eventResources: "list",
  eventTime: "string",
  globalEndpointId: "string",
  keyFormat: "perTopic",
  valueFormat: "perTopic",
  headerFormat: "string",
  decimalFormat: "string",
  maxRequestBytes: "integer",
  maxConcurrency: "integer",
  retryDelayMs: "integer",
  retriesMax: "integer",
  deadlineMarginMs: "integer",
  eventBridgeEndpointUrl: "string",
  iamRoleArn: "string",
  iamExternalId: "string",
  logLevel: "string",
  logRecordPayloads: "boolean",
  schemaRegistryUrl: "string",
  schemaRegistryAuthSecretArn: "string",
  glueRegistryRegion: "string",
  offloadJsonPath: "string",
  offloadThresholdBytes: "integer",
  offloadS3Prefix: "string",
};

export const HANDLER_SETTING_ROLES = Object.keys(HANDLER_SETTINGS) as HandlerSettingRole[];

/** The role (and option name) of each variable, to name the option in an error about the variable. */
const ROLE_OF: ReadonlyMap<string, EnvRole> = new Map(
  (Object.entries(ENV) as [EnvRole, EnvName][]).map(([role, name]) => [name, role]),
);

/** The construct option a handler variable comes from. */
export function optionOf(variable: string): string {
  return ROLE_OF.get(variable) ?? variable;
}

type SettingValue = string | number | boolean | readonly string[] | PerTopic<string>;

/** The variable's text for a setting: lists comma-joined, per-topic maps in the connector's `topic:value` syntax. */
function variableText(value: SettingValue): string {
  if (Array.isArray(value)) return value.join(",");
  if (typeof value === "object") {
    const entries = Object.entries(value as PerTopic<string>);
    // `*` is the bare default of the variable's syntax (`json,logs:string`).
    return entries.map(([topic, item]) => (topic === "*" ? item : `${topic}:${item}`)).join(",");
  }
  // A number token is a special double; its string form must stay a token for the check to skip it.
  return typeof value === "number" && Token.isUnresolved(value) ? Token.asString(value) : String(value);
}

/**
 * The function's environment for the handler settings that are set, under their `ENV` names, plus the
 * variables the construct derives (`derived`). Tokens pass through unchanged.
 */
export function handlerEnvironment(
  props: Partial<HandlerSettingsProps>,
  derived: Partial<Record<(typeof DERIVED_ROLES)[number], string>> = {},
): Record<string, string> {
  const environment: Record<string, string> = {};
  const settings = props as Partial<Record<HandlerSettingRole, SettingValue>>;
  for (const role of HANDLER_SETTING_ROLES) {
    const value = settings[role];
    if (value !== undefined) environment[ENV[role]] = variableText(value);
  }
  for (const [role, value] of Object.entries(derived) as [(typeof DERIVED_ROLES)[number], string][]) {
    if (value !== undefined) environment[ENV[role]] = value;
  }
  return environment;
}

/** A handler setting the function would reject, named by option and variable, with the bad value. */
export interface SettingProblem {
  readonly option: string;
  readonly variable: string;
  readonly value: string | undefined;
  readonly message: string;
}

function problemText(option: string, variable: string, value: string | undefined, expected: string): string {
  const shown = value === undefined ? "is not set" : `= ${JSON.stringify(value)} is invalid`;
  return `${option} (${variable}) ${shown}: expected ${expected}`;
}

/**
 * Checks the function's environment at synth with the function's own loader, and each topic's detail-type
 * against EventBridge's limit, which only the construct can check since only it knows the topics.
 * A variable whose value is a token is skipped (the function checks it at cold start), unless `standIns`
 * gives a value of the same shape for it: the construct's own resources (a created bus, queue or bucket)
 * are known to be well formed, but the loader must still see that the variable is set. Returns every
 * problem found; an empty list means the function accepts the configuration.
 */
export function checkHandlerEnvironment(
  environment: Readonly<Record<string, string>>,
  topics: readonly string[],
  standIns: Readonly<Record<string, string>> = {},
): SettingProblem[] {
  const unresolved = new Set(
    Object.entries(environment)
      .filter(([name, value]) => Token.isUnresolved(value) && standIns[name] === undefined)
      .map(([name]) => name),
  );
  const resolved = Object.fromEntries(
    Object.entries(environment)
      .filter(([name]) => !unresolved.has(name))
      .map(([name, value]) => [name, Token.isUnresolved(value) ? (standIns[name] ?? value) : value]),
  );
  const { config, problems } = checkConfig(resolved);
  const found: SettingProblem[] = problems
    .filter((problem) => !unresolved.has(problem.variable))
    .map((problem) => {
      const standIn = Token.isUnresolved(environment[problem.variable] ?? "");
      const value = standIn ? "(a resource of this deployment)" : problem.value;
      return {
        option: optionOf(problem.variable),
        variable: problem.variable,
        value,
        message: standIn
          ? `${optionOf(problem.variable)} (${problem.variable}) is set to a resource of this deployment, which the function rejects: expected ${problem.expected}`
          : problemText(optionOf(problem.variable), problem.variable, problem.value, problem.expected),
      };
    });
  if (config === undefined) return found;
  const detailTypes = resolved[ENV.detailTypes];
  if (!unresolved.has(ENV.detailTypes)) {
    for (const topic of topics.filter((t) => !Token.isUnresolved(t))) {
      const detailType = detailTypeFor(config.detailTypes, topic);
      if (!isDetailTypeWithinLimit(detailType)) {
        found.push({
          option: "detailTypes",
          variable: ENV.detailTypes,
          value: detailTypes,
          message: problemText(
            "detailTypes",
            ENV.detailTypes,
            detailTypes ?? DEFAULT_DETAIL_TYPE_TEMPLATE,
            `a detail-type of at most ${DETAIL_TYPE_MAX_CHARS} characters for every topic; topic "${topic}" gets ${characterCount(detailType)}: "${detailType}"`,
          ),
        });
      }
    }
  }
  // A per-topic entry for a topic the deployment does not read is a typo that would silently not apply.
  // (A variable that is a token was left out above, so its parsed value is the default, with no topics.)
  const perTopic: [keyof typeof ENV, Iterable<string>][] = [
    ["detailTypes", config.detailTypes.kind === "byTopic" ? config.detailTypes.byTopic.keys() : []],
    ["keyFormat", config.keyFormat.byTopic.keys()],
    ["valueFormat", config.valueFormat.byTopic.keys()],
  ];
  if (topics.some((t) => Token.isUnresolved(t))) return found;
  for (const [role, named] of perTopic) {
    for (const topic of named) {
      if (topics.includes(topic)) continue;
      found.push({
        option: role,
        variable: ENV[role],
        value: resolved[ENV[role]],
        message: `${role} (${ENV[role]}) = ${JSON.stringify(resolved[ENV[role]])} names topic "${topic}", which is not one of topics (${topics.join(", ")})`,
      });
    }
  }
  return found;
}
