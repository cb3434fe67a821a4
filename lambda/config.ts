import {
  characterCount,
  DEFAULT_DETAIL_TYPE_TEMPLATE,
  type DetailTypeRule,
  parseDetailTypes,
} from "./core/detail-type";
import { compileJsonPath, type JsonPathQuery } from "./core/json-path";
import type { FormatSelector } from "./core/record-format";
import {
  DECIMAL_FORMATS,
  type DecimalFormat,
  ENV,
  HEADER_FORMATS,
  type HeaderFormat,
  RECORD_FORMATS,
  type RecordFormat,
} from "./env-names";
import { ConfigError, ConfigErrors } from "./errors";
import { DEFAULT_OFFLOAD_PATH, type OffloadPath, parseOffloadPath } from "./offload/offload-path";

/** When the event's `Time` comes from: not set (EventBridge stamps it), the Kafka timestamp, or a field of the value. */
export type EventTimeRule =
  | { readonly kind: "none" }
  | { readonly kind: "timestamp" }
  | { readonly kind: "jsonPath"; readonly query: JsonPathQuery };

/** The S3 claim-check (SPEC §9), on when `OFFLOAD_S3_BUCKET` is set. */
export interface OffloadConfig {
  readonly bucket: string;
  /** Prepended to every object key (`<prefix><topic>/<partition>/<offset>`); empty by default. */
  readonly prefix: string;
  /** Entries larger than this (AWS entry-size formula) are offloaded; `MAX_REQUEST_BYTES` by default, 0 for all. */
  readonly thresholdBytes: number;
  readonly path: OffloadPath;
}

export interface Config {
  readonly connectorId: string;
  readonly eventBusArn: string;
  /** The bus's region, taken from its ARN: the client talks to that region whatever the function's is. */
  readonly eventBusRegion: string;
  readonly source: string;
  readonly detailTypes: DetailTypeRule;
  readonly detailTypeJsonPath: JsonPathQuery | undefined;
  readonly resources: readonly string[];
  readonly eventTime: EventTimeRule;
  readonly globalEndpointId: string | undefined;
  readonly keyFormat: FormatSelector;
  readonly valueFormat: FormatSelector;
  /** How `detail.headers` values are rendered: typed as the connector does, UTF-8 strings, or base64. */
  readonly headerFormat: HeaderFormat;
  readonly maxRequestBytes: number;
  readonly maxConcurrency: number;
  readonly retryDelayMs: number;
  readonly retriesMax: number;
  /** Time kept in reserve before the Lambda deadline: no request starts that could not end before it. */
  readonly deadlineMarginMs: number;
  readonly eventBridgeEndpointUrl: string | undefined;
  readonly iamRoleArn: string | undefined;
  readonly iamExternalId: string | undefined;
  readonly dlqUrl: string | undefined;
  readonly partialBatchResponse: boolean;
  readonly logRecordPayloads: boolean;
  /** `SCHEMA_REGISTRY_URL`: a Confluent-compatible registry's API root; without it Confluent-framed payloads are poison. */
  readonly schemaRegistryUrl: string | undefined;
  /** `SCHEMA_REGISTRY_AUTH_SECRET_ARN`: the Secrets Manager secret holding the registry's basic auth. */
  readonly schemaRegistryAuthSecretArn: string | undefined;
  /** `GLUE_REGISTRY_REGION`: the Glue registry's region; undefined means the function's own. */
  readonly glueRegistryRegion: string | undefined;
  /** `DECIMAL_FORMAT`: Avro decimals as the connector's base64 (default) or as exact JSON numbers. */
  readonly decimalFormat: DecimalFormat;
  /** Undefined when `OFFLOAD_S3_BUCKET` is not set: no entry is offloaded and the S3 client is never loaded. */
  readonly offload: OffloadConfig | undefined;
}

/**
 * PutEvents accepts at most 1 MiB per request (SPEC §4).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
 */
export const PUT_EVENTS_MAX_BYTES = 1_048_575;

// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html (EventBusName)
const EVENT_BUS_ARN =
  /^arn:aws[a-z-]*:events:(?<region>[a-z]{2}(?:-[a-z]+)+-\d):(?<account>\d{12}):event-bus\/[A-Za-z0-9._\-/]{1,256}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/;
const SQS_URL = /^https?:\/\/\S+\/\d{12}\/[\w-]{1,80}(\.fifo)?$/;
const GLOBAL_ENDPOINT_ID = /^[A-Za-z0-9-]+\.[A-Za-z0-9-]+$/;
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:secret:[\w/+=.@-]+$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads a variable; an empty or blank value counts as unset. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function required(env: Env, name: string, expected: string): string {
  const value = read(env, name);
  if (value === undefined) throw new ConfigError(name, undefined, expected);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = read(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(name, text, `an integer from ${min} to ${max}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const text = read(env, name);
  if (text === undefined) return fallback;
  const lower = text.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new ConfigError(name, text, `"true" or "false"`);
}

function matching(env: Env, name: string, pattern: RegExp, expected: string): string | undefined {
  const value = read(env, name);
  if (value !== undefined && !pattern.test(value)) throw new ConfigError(name, value, expected);
  return value;
}

function jsonPath(env: Env, name: string): JsonPathQuery | undefined {
  const text = read(env, name);
  if (text === undefined) return undefined;
  try {
    return compileJsonPath(text);
  } catch (cause) {
    throw new ConfigError(name, text, `a JSONPath such as $.eventType (${(cause as Error).message})`, {
      cause,
    });
  }
}

function recordFormat(name: string, text: string, value: string): RecordFormat {
  if (!RECORD_FORMATS.includes(value as RecordFormat))
    throw new ConfigError(
      name,
      text,
      `one of ${RECORD_FORMATS.join(", ")}, optionally per topic (orders:json,logs:string)`,
    );
  return value as RecordFormat;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw new ConfigError(name, value, `one of ${allowed.join(", ")}`);
  return value as T;
}

/** An http(s) URL that `fetch` can take, credentials excluded (they come from the secret). */
function registryUrl(env: Env): string | undefined {
  const text = read(env, ENV.schemaRegistryUrl);
  if (text === undefined) return undefined;
  const expected =
    "an http(s) URL of a Confluent-compatible schema registry API, without credentials (https://registry.example.com or http://host:8080/apis/ccompat/v7)";
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new ConfigError(ENV.schemaRegistryUrl, text, expected, { cause });
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username !== "" || url.password !== "")
    throw new ConfigError(ENV.schemaRegistryUrl, text, expected);
  return text;
}

const DEFAULT_KEY_FORMAT: FormatSelector = { defaultFormat: "string", byTopic: new Map() };
const DEFAULT_VALUE_FORMAT: FormatSelector = { defaultFormat: "json", byTopic: new Map() };

function formatSelector(env: Env, name: string, fallback: RecordFormat): FormatSelector {
  const text = read(env, name);
  if (text === undefined) return { defaultFormat: fallback, byTopic: new Map() };
  let defaultFormat = fallback;
  const byTopic = new Map<string, RecordFormat>();
  for (const item of text.split(",").map((part) => part.trim())) {
    const colon = item.lastIndexOf(":");
    if (colon === -1) defaultFormat = recordFormat(name, text, item);
    else byTopic.set(item.slice(0, colon).trim(), recordFormat(name, text, item.slice(colon + 1).trim()));
  }
  return { defaultFormat, byTopic };
}

function headerFormat(env: Env): HeaderFormat {
  const text = read(env, ENV.headerFormat);
  if (text === undefined) return "connector";
  if (!HEADER_FORMATS.includes(text as HeaderFormat)) {
    throw new ConfigError(
      ENV.headerFormat,
      text,
      `one of ${HEADER_FORMATS.join(", ")} (connector: typed as Kafka Connect's SimpleHeaderConverter does; string: as with header.converter=StringConverter)`,
    );
  }
  return text as HeaderFormat;
}

function eventTime(env: Env): EventTimeRule {
  const text = read(env, ENV.eventTime);
  if (text === undefined) return { kind: "none" };
  if (text === "timestamp") return { kind: "timestamp" };
  const query = jsonPath(env, ENV.eventTime);
  if (query === undefined)
    throw new ConfigError(ENV.eventTime, text, `"timestamp" or a JSONPath such as $.time`);
  return { kind: "jsonPath", query };
}

function detailTypes(env: Env): DetailTypeRule {
  const text = read(env, ENV.detailTypes) ?? DEFAULT_DETAIL_TYPE_TEMPLATE;
  try {
    return parseDetailTypes(text);
  } catch (cause) {
    throw new ConfigError(ENV.detailTypes, text, (cause as Error).message, { cause });
  }
}

/**
 * PutEventsRequestEntry limits a setting alone can break: `Source` of 1–256 characters and not in the
 * service-reserved `aws.` namespace; at most 100 `Resources` of at most 2,048 characters each.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html
 */
export const PUT_EVENTS_ENTRY_LIMITS = {
  sourceMaxChars: 256,
  resourcesMaxItems: 100,
  resourceMaxChars: 2_048,
} as const;

function eventSource(env: Env, connectorId: string): string {
  const explicit = read(env, ENV.eventSource);
  const source = explicit ?? `kafka-connect.${connectorId}`;
  const [name, value] = explicit === undefined ? [ENV.connectorId, connectorId] : [ENV.eventSource, explicit];
  const made = explicit === undefined ? ` (it makes the Source "${source}")` : "";
  const chars = characterCount(source);
  if (chars > PUT_EVENTS_ENTRY_LIMITS.sourceMaxChars) {
    throw new ConfigError(
      name,
      value,
      `a Source of at most ${PUT_EVENTS_ENTRY_LIMITS.sourceMaxChars} characters (PutEvents' limit), got ${chars}${made}`,
    );
  }
  if (source.startsWith("aws.")) {
    throw new ConfigError(
      name,
      value,
      `a Source outside the "aws." prefix, which AWS reserves for its services`,
    );
  }
  return source;
}

function eventResources(env: Env): readonly string[] {
  const text = read(env, ENV.eventResources);
  const resources = (text ?? "")
    .split(",")
    .map((resource) => resource.trim())
    .filter((resource) => resource !== "");
  const { resourcesMaxItems, resourceMaxChars } = PUT_EVENTS_ENTRY_LIMITS;
  if (resources.length > resourcesMaxItems) {
    throw new ConfigError(
      ENV.eventResources,
      text,
      `at most ${resourcesMaxItems} comma-separated resources (PutEvents' limit), got ${resources.length}`,
    );
  }
  resources.forEach((resource, index) => {
    const chars = characterCount(resource);
    if (chars > resourceMaxChars) {
      throw new ConfigError(
        ENV.eventResources,
        text,
        `resources of at most ${resourceMaxChars} characters (PutEvents' limit), got ${chars} for item ${index + 1}`,
      );
    }
  });
  return resources;
}

/**
 * The levels Powertools Logger honours in `LOG_LEVEL`: it reads the variable as written, so `debug`
 * would silently log at INFO.
 */
export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function logLevel(env: Env): LogLevel {
  const text = read(env, ENV.logLevel);
  if (text === undefined) return "INFO";
  if (LOG_LEVELS.includes(text as LogLevel)) return text as LogLevel;
  const upper = text.toUpperCase();
  const hint = LOG_LEVELS.includes(upper as LogLevel)
    ? `; did you mean "${upper}"? Powertools Logger reads only upper case`
    : "";
  throw new ConfigError(ENV.logLevel, text, `one of ${LOG_LEVELS.join(", ")}${hint}`);
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (general purpose buckets)
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const BUCKET_RESERVED =
  /^(xn--|sthree-|amzn-s3-demo-)|(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$|\.\.|^\d+\.\d+\.\d+\.\d+$/;
/** S3 keys are at most 1,024 UTF-8 bytes; this leaves room for `<topic>/<partition>/<offset>`. */
const MAX_PREFIX_BYTES = 512;

function offloadBucket(env: Env): string | undefined {
  const value = read(env, ENV.offloadS3Bucket);
  if (value !== undefined && (!BUCKET_NAME.test(value) || BUCKET_RESERVED.test(value))) {
    throw new ConfigError(
      ENV.offloadS3Bucket,
      value,
      "an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens; the name, not an ARN or URL)",
    );
  }
  return value;
}

function offloadPrefix(env: Env): string {
  const value = read(env, ENV.offloadS3Prefix) ?? "";
  // Control characters and a leading slash make keys S3 consoles and tools handle badly.
  if (
    Buffer.byteLength(value) > MAX_PREFIX_BYTES ||
    [...value].some((char) => char.charCodeAt(0) < 0x20 || char === "\u007f") ||
    value.startsWith("/")
  ) {
    throw new ConfigError(
      ENV.offloadS3Prefix,
      value,
      `a key prefix of at most ${MAX_PREFIX_BYTES} bytes, without control characters or a leading "/" (such as kafka/)`,
    );
  }
  return value;
}

function offloadPath(env: Env): OffloadPath {
  const text = read(env, ENV.offloadJsonPath) ?? DEFAULT_OFFLOAD_PATH;
  try {
    return parseOffloadPath(text);
  } catch (cause) {
    throw new ConfigError(ENV.offloadJsonPath, text, (cause as Error).message, { cause });
  }
}

/** Every `OFFLOAD_*` variable is checked; those other than the bucket need the bucket, or they would do nothing. */
function offloadConfig(env: Env, maxRequestBytes: number, checked: Checked): OffloadConfig | undefined {
  const bucket = checked(undefined, () => offloadBucket(env));
  const prefix = checked("", () => offloadPrefix(env));
  const thresholdBytes = checked(maxRequestBytes, () => {
    const text = read(env, ENV.offloadThresholdBytes);
    if (text === undefined) return maxRequestBytes;
    if (!/^\d+$/.test(text) || Number(text) > maxRequestBytes) {
      throw new ConfigError(
        ENV.offloadThresholdBytes,
        text,
        `an integer from 0 to ${maxRequestBytes} (MAX_REQUEST_BYTES): entries larger than it are offloaded, 0 offloads all`,
      );
    }
    return Number(text);
  });
  const path = checked<OffloadPath | undefined>(undefined, () => offloadPath(env));
  if (read(env, ENV.offloadS3Bucket) === undefined) {
    for (const name of [ENV.offloadS3Prefix, ENV.offloadThresholdBytes, ENV.offloadJsonPath]) {
      checked(undefined, () => {
        if (read(env, name) !== undefined) {
          throw new ConfigError(ENV.offloadS3Bucket, undefined, `a bucket name, since ${name} is set`);
        }
      });
    }
  }
  if (bucket === undefined || path === undefined) return undefined;
  return Object.freeze({ bucket, prefix, thresholdBytes, path });
}

type Checked = <T>(fallback: T, parse: () => T) => T;

/** The outcome of {@link checkConfig}: the configuration when valid, and every problem found. */
export interface ConfigCheck {
  readonly config: Config | undefined;
  readonly problems: readonly ConfigError[];
}

/**
 * Validates every variable and reports all problems at once (SPEC §6): each variable is parsed on its
 * own, and one that fails is recorded and replaced by its default so the others are still checked.
 * The CDK app and the configuration check call this, the function's own loader.
 */
export function checkConfig(env: Env = process.env): ConfigCheck {
  const problems: ConfigError[] = [];
  /** Parses one setting; a {@link ConfigError} is recorded and `fallback` stands in for the value. */
  const checked = <T>(fallback: T, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error);
      return fallback;
    }
  };

  const connectorId = checked("", () =>
    required(env, ENV.connectorId, "an identifier for this sink, used in the event source"),
  );
  const busExpected = "an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)";
  const eventBusArn = checked("", () => required(env, ENV.eventBusArn, busExpected));
  const eventBusRegion = checked("", () => {
    if (eventBusArn === "") return "";
    const region = EVENT_BUS_ARN.exec(eventBusArn)?.groups?.region;
    if (region === undefined) throw new ConfigError(ENV.eventBusArn, eventBusArn, busExpected);
    return region;
  });
  const resources = checked<readonly string[]>([], () => eventResources(env));
  const iamExternalId = read(env, ENV.iamExternalId);
  const iamRoleArn = checked(undefined, () =>
    matching(env, ENV.iamRoleArn, ROLE_ARN, "an IAM role ARN (arn:aws:iam::<account>:role/<name>)"),
  );
  checked(undefined, () => {
    if (iamExternalId !== undefined && read(env, ENV.iamRoleArn) === undefined) {
      throw new ConfigError(
        ENV.iamRoleArn,
        undefined,
        `a role ARN to assume, since ${ENV.iamExternalId} is set`,
      );
    }
  });
  const level = checked<LogLevel>("INFO", () => logLevel(env));
  const maxRequestBytes = checked(PUT_EVENTS_MAX_BYTES, () =>
    integer(env, ENV.maxRequestBytes, PUT_EVENTS_MAX_BYTES, 1024, PUT_EVENTS_MAX_BYTES),
  );
  const schemaRegistryUrl = checked(undefined, () => registryUrl(env));
  const source = checked("", () => eventSource(env, connectorId));

  const config: Config = Object.freeze({
    connectorId,
    eventBusArn,
    eventBusRegion,
    source,
    detailTypes: checked(parseDetailTypes(DEFAULT_DETAIL_TYPE_TEMPLATE), () => detailTypes(env)),
    detailTypeJsonPath: checked(undefined, () => jsonPath(env, ENV.detailTypeJsonPath)),
    resources: Object.freeze(resources),
    eventTime: checked<EventTimeRule>({ kind: "none" }, () => eventTime(env)),
    globalEndpointId: checked(undefined, () =>
      matching(env, ENV.globalEndpointId, GLOBAL_ENDPOINT_ID, "a global endpoint id such as abcde.veo"),
    ),
    keyFormat: checked(DEFAULT_KEY_FORMAT, () => formatSelector(env, ENV.keyFormat, "string")),
    valueFormat: checked(DEFAULT_VALUE_FORMAT, () => formatSelector(env, ENV.valueFormat, "json")),
    headerFormat: checked<HeaderFormat>("connector", () => headerFormat(env)),
    maxRequestBytes,
    maxConcurrency: checked(16, () => integer(env, ENV.maxConcurrency, 16, 1, 256)),
    retryDelayMs: checked(200, () => integer(env, ENV.retryDelayMs, 200, 0, 60_000)),
    retriesMax: checked(2, () => integer(env, ENV.retriesMax, 2, 0, 20)),
    deadlineMarginMs: checked(1_500, () => integer(env, ENV.deadlineMarginMs, 1_500, 0, 600_000)),
    eventBridgeEndpointUrl: checked(undefined, () =>
      matching(env, ENV.eventBridgeEndpointUrl, /^https?:\/\/\S+$/, "an http(s) URL"),
    ),
    iamRoleArn,
    iamExternalId,
    dlqUrl: checked(undefined, () =>
      matching(
        env,
        ENV.dlqUrl,
        SQS_URL,
        "an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)",
      ),
    ),
    partialBatchResponse: checked(false, () => boolean(env, ENV.partialBatchResponse, false)),
    logRecordPayloads: checked(
      false,
      () => boolean(env, ENV.logRecordPayloads, false) && (level === "DEBUG" || level === "TRACE"),
    ),
    schemaRegistryUrl,
    schemaRegistryAuthSecretArn: checked(undefined, () => {
      const arn = matching(
        env,
        ENV.schemaRegistryAuthSecretArn,
        SECRET_ARN,
        "a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)",
      );
      if (arn !== undefined && read(env, ENV.schemaRegistryUrl) === undefined)
        throw new ConfigError(
          ENV.schemaRegistryUrl,
          undefined,
          `the registry URL the credentials of ${ENV.schemaRegistryAuthSecretArn} are for`,
        );
      return arn;
    }),
    glueRegistryRegion: checked(undefined, () =>
      matching(env, ENV.glueRegistryRegion, REGION, "an AWS region such as eu-west-1"),
    ),
    decimalFormat: checked<DecimalFormat>("base64", () =>
      oneOf(env, ENV.decimalFormat, DECIMAL_FORMATS, "base64"),
    ),
    offload: offloadConfig(env, maxRequestBytes, checked),
  });
  return problems.length === 0 ? { config, problems } : { config: undefined, problems };
}

/**
 * Parses and validates the function's configuration. Called once at cold start: a single problem throws
 * its {@link ConfigError} (naming the variable, its value and what is allowed); several throw a
 * {@link ConfigErrors} that lists them all.
 */
export function loadConfig(env: Env = process.env): Config {
  const { config, problems } = checkConfig(env);
  if (config !== undefined) return config;
  const [first] = problems;
  if (problems.length === 1 && first !== undefined) throw first;
  throw new ConfigErrors(problems);
}
