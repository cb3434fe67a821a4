import {
  characterCount,
  DEFAULT_DETAIL_TYPE_TEMPLATE,
  type DetailTypeRule,
  parseDetailTypes,
} from "./core/detail-type";
import { compileJsonPath, type JsonPathQuery } from "./core/json-path";
import type { FormatSelector } from "./core/record-format";
import { ENV, HEADER_FORMATS, type HeaderFormat, RECORD_FORMATS, type RecordFormat } from "./env-names";
import { ConfigError, ConfigErrors } from "./errors";

/** When the event's `Time` comes from: not set (EventBridge stamps it), the Kafka timestamp, or a field of the value. */
export type EventTimeRule =
  | { readonly kind: "none" }
  | { readonly kind: "timestamp" }
  | { readonly kind: "jsonPath"; readonly query: JsonPathQuery };

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

/** Formats whose decoders ship in this version; the schema-registry ones are SPEC §9 ("coming next"). */
const SUPPORTED_FORMATS: readonly RecordFormat[] = ["json", "string", "base64", "auto"];

function recordFormat(name: string, text: string, value: string): RecordFormat {
  const allowed = `one of ${SUPPORTED_FORMATS.join(", ")}, optionally per topic (orders:json,logs:string)`;
  if (!RECORD_FORMATS.includes(value as RecordFormat)) throw new ConfigError(name, text, allowed);
  if (!SUPPORTED_FORMATS.includes(value as RecordFormat)) {
    throw new ConfigError(
      name,
      text,
      `${allowed}; "${value}" needs schema-registry support, not in this version`,
    );
  }
  return value as RecordFormat;
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

function rejectUnsupported(env: Env): void {
  for (const name of [ENV.schemaRegistryUrl, ENV.schemaRegistryAuthSecretArn, ENV.offloadS3Bucket]) {
    const value = read(env, name);
    if (value !== undefined)
      throw new ConfigError(name, value, "unset: this version has no support for it yet");
  }
}

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
  checked(undefined, () => rejectUnsupported(env));
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
    maxRequestBytes: checked(PUT_EVENTS_MAX_BYTES, () =>
      integer(env, ENV.maxRequestBytes, PUT_EVENTS_MAX_BYTES, 1024, PUT_EVENTS_MAX_BYTES),
    ),
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
