// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} is the connector's DETAIL_TYPES placeholder, not a template literal
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { CONTEXT_OPTION_NAMES, propsFromContext } from "../../infra/context";
import { HANDLER_SETTING_ROLES, handlerEnvironment } from "../../infra/handler-settings";
import { resolveOptions } from "../../infra/options";
import { type Config, checkConfig } from "../../lambda/config";
import { billedChunks } from "../../lambda/core/entry-size";
import type { KafkaRecord } from "../../lambda/core/kafka-event";
import { mapRecord } from "../../lambda/core/map-entry";
import type { FormatSelector } from "../../lambda/core/record-format";
import { ENV, type EnvRole } from "../../lambda/env-names";
import { POISON_CODES, PoisonRecordError } from "../../lambda/errors";
import { didYouMean } from "../cli/cli";

type Env = Readonly<Record<string, string | undefined>>;

const ENV_NAMES: readonly string[] = Object.values(ENV);

/** Names the function does not read itself but its runtime does: never reported as unknown. */
const RUNTIME_NAME = /^(AWS_|POWERTOOLS_|NODE_|_X_AMZN|LAMBDA_|TZ$|LANG$)/;

/** Log levels Powertools Logger accepts. https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/#log-levels */
const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;

/** PutEvents allows detail-types of at most 128 characters. https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html */
const DETAIL_TYPE_MAX = 128;

export interface UnknownName {
  readonly name: string;
  readonly suggestion: string | undefined;
}

export interface ConfigReport {
  /** Every problem the function's own loader (`checkConfig`) found: the function would not start. */
  readonly problems: readonly string[];
  readonly unknown: readonly UnknownName[];
  /** Values the loader accepts that are almost certainly not what was meant. */
  readonly warnings: readonly string[];
  readonly config: Config | undefined;
  /** Every variable with its effective value, `isDefault` when it was not set. */
  readonly effective: readonly {
    readonly name: string;
    readonly value: string;
    readonly isDefault: boolean;
  }[];
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Hints for `DETAIL_TYPES` values the loader accepts but that cannot be meant: a placeholder spelled
 * `{topic}`, `$topic`, `${Topic}` or `${ topic }`, an unknown `${...}` placeholder, a detail-type over
 * PutEvents' 128 characters, a topic missing from `topics`.
 */
export function detailTypeWarnings(text: string | undefined, topics: readonly string[] = []): string[] {
  if (text === undefined) return [];
  const warnings: string[] = [];
  const hint = (found: string) =>
    `DETAIL_TYPES="${text}" contains ${found}, which is sent literally: the placeholder is \${topic}`;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    if (match[1] !== "topic") warnings.push(hint(match[0]));
  }
  if (/(^|[^$]){topic}/i.test(text)) warnings.push(hint("{topic}"));
  if (/\$topic\b/i.test(text)) warnings.push(hint("$topic"));
  if (/\$\(topic\)/i.test(text)) warnings.push(hint("$(topic)"));
  const items = text.split(",").map((item) => item.trim());
  const types =
    items.length === 1 && !items[0]?.includes(":")
      ? items
      : items.map((item) => item.slice(item.indexOf(":") + 1));
  for (const type of types) {
    const longest = type.replaceAll("${topic}", "x".repeat(Math.max(0, ...topics.map((t) => t.length))));
    if (longest.length > DETAIL_TYPE_MAX) {
      warnings.push(
        `DETAIL_TYPES: "${type}" is longer than PutEvents' ${DETAIL_TYPE_MAX} characters: every record would be dead-lettered`,
      );
    }
  }
  if ((topics.length > 0 && items.length > 1) || items[0]?.includes(":")) {
    for (const item of items) {
      const topic = item.slice(0, item.indexOf(":")).trim();
      if (topics.length > 0 && topic !== "" && !topics.includes(topic)) {
        warnings.push(
          `DETAIL_TYPES names topic "${topic}", which is not among the topics (${topics.join(",")})`,
        );
      }
    }
  }
  return warnings;
}

function formatSelector(selector: FormatSelector): string {
  return [
    selector.defaultFormat,
    ...[...selector.byTopic].map(([topic, format]) => `${topic}:${format}`),
  ].join(",");
}

function describe(config: Config, env: Env): Map<string, string> {
  const rule = config.detailTypes;
  const values = new Map<string, string>([
    [ENV.connectorId, config.connectorId],
    [ENV.eventBusArn, `${config.eventBusArn} (region ${config.eventBusRegion})`],
    [ENV.eventSource, config.source],
    [
      ENV.detailTypes,
      rule.kind === "template" ? rule.template : [...rule.byTopic].map(([t, d]) => `${t}:${d}`).join(","),
    ],
    [ENV.detailTypeJsonPath, config.detailTypeJsonPath?.path ?? "(none)"],
    [ENV.eventResources, config.resources.length === 0 ? "(none)" : config.resources.join(",")],
    [
      ENV.eventTime,
      config.eventTime.kind === "none"
        ? "(unset: EventBridge stamps the time)"
        : config.eventTime.kind === "timestamp"
          ? "timestamp"
          : config.eventTime.query.path,
    ],
    [ENV.keyFormat, formatSelector(config.keyFormat)],
    [ENV.valueFormat, formatSelector(config.valueFormat)],
    [
      ENV.eventBridgeEndpointUrl,
      config.eventBridgeEndpointUrl ?? "(the SDK's endpoint for the bus's region)",
    ],
    [ENV.dlqUrl, config.dlqUrl ?? "(none: poison records are reported failed)"],
    [
      ENV.logLevel,
      read(env, "POWERTOOLS_LOG_LEVEL") === undefined
        ? (read(env, ENV.logLevel) ?? "INFO").toUpperCase()
        : `${read(env, "POWERTOOLS_LOG_LEVEL")?.toUpperCase()} (POWERTOOLS_LOG_LEVEL, which wins over LOG_LEVEL)`,
    ],
  ]);
  const fields = config as unknown as Record<string, unknown>;
  for (const [role, name] of Object.entries(ENV) as [EnvRole, string][]) {
    if (values.has(name)) continue;
    const field = fields[role];
    if (typeof field === "string" || typeof field === "number" || typeof field === "boolean")
      values.set(name, String(field));
    else values.set(name, read(env, name) ?? "(unset)");
  }
  return values;
}

/**
 * Checks a set of function settings with the function's own loader, and adds what the loader does not
 * judge: names it does not know (with the closest known one) and suspicious values.
 */
export function checkSettings(
  env: Env,
  options: { topics?: readonly string[]; onlyLikelyNames?: boolean } = {},
): ConfigReport {
  const { config, problems } = checkConfig(env);
  const unknown: UnknownName[] = [];
  for (const name of Object.keys(env)) {
    if (ENV_NAMES.includes(name) || RUNTIME_NAME.test(name)) continue;
    const suggestion = didYouMean(name, ENV_NAMES);
    // In a whole process environment (PATH, HOME, ...) only near misses of the function's names count.
    if (options.onlyLikelyNames && suggestion === undefined) continue;
    unknown.push({ name, suggestion });
  }
  const warnings = detailTypeWarnings(read(env, ENV.detailTypes), options.topics);
  const logLevel = read(env, ENV.logLevel);
  if (logLevel !== undefined && !(LOG_LEVELS as readonly string[]).includes(logLevel.toUpperCase())) {
    warnings.push(`LOG_LEVEL="${logLevel}" is not a Powertools log level (${LOG_LEVELS.join(", ")})`);
  }
  if (
    read(env, ENV.logRecordPayloads)?.toLowerCase() === "true" &&
    !/^(DEBUG|TRACE)$/i.test(logLevel ?? "")
  ) {
    warnings.push("LOG_RECORD_PAYLOADS=true has no effect unless LOG_LEVEL is DEBUG or TRACE");
  }
  const effective =
    config === undefined
      ? []
      : [...describe(config, env)].map(([name, value]) => ({
          name,
          value,
          isDefault: read(env, name) === undefined,
        }));
  return { problems: problems.map((problem) => problem.message), unknown, warnings, config, effective };
}

/** Placeholders for what the CDK app derives from resources it creates, so the loader can check the rest. */
const DERIVED_PLACEHOLDERS = {
  bus: "arn:aws:events:us-east-1:123456789012:event-bus/created-by-the-stack",
  dlq: "https://sqs.us-east-1.amazonaws.com/123456789012/created-by-the-stack",
};

/**
 * Reads CDK context (the `context` of cdk.json, or a `{ "context": ... }` file) the way the CDK app
 * does: unknown keys get a did-you-mean, deployment options are validated with the app's own
 * `resolveOptions`, and the function's environment is built as the construct would build it.
 */
export function settingsFromContext(document: unknown): {
  env: Record<string, string>;
  topics: readonly string[];
  problems: string[];
  unknown: UnknownName[];
} {
  const root = (typeof document === "object" && document !== null ? document : {}) as Record<string, unknown>;
  const context = (typeof root.context === "object" && root.context !== null ? root.context : root) as Record<
    string,
    unknown
  >;
  const unknown: UnknownName[] = [];
  for (const key of Object.keys(context)) {
    if (
      CONTEXT_OPTION_NAMES.includes(key) ||
      key === "stackName" ||
      key.startsWith("@aws-cdk/") ||
      key.startsWith("aws:")
    )
      continue;
    unknown.push({ name: key, suggestion: didYouMean(key, CONTEXT_OPTION_NAMES) });
  }
  const problems: string[] = [];
  let props: ReturnType<typeof propsFromContext> | undefined;
  try {
    props = propsFromContext((name) => context[name]);
  } catch (error) {
    problems.push((error as Error).message);
  }
  let partial = false;
  if (props !== undefined) {
    try {
      partial = resolveOptions(props).partialBatchResponse;
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const env: Record<string, string> = props === undefined ? {} : handlerEnvironment(props);
  for (const role of HANDLER_SETTING_ROLES)
    if (role in context && env[ENV[role]] === undefined) env[ENV[role]] = "";
  env[ENV.eventBusArn] = props?.eventBusArn ?? DERIVED_PLACEHOLDERS.bus;
  env[ENV.dlqUrl] = DERIVED_PLACEHOLDERS.dlq;
  env[ENV.partialBatchResponse] = String(partial);
  return { env, topics: props?.topics ?? [], problems, unknown };
}

/** A sample record rendered as the function would send it, or why it would be dead-lettered. */
export type RenderedSample =
  | {
      readonly kind: "entry";
      readonly entry: PutEventsRequestEntry & { Detail: string };
      readonly size: number;
      readonly billedEvents: number;
    }
  | { readonly kind: "poison"; readonly code: string; readonly message: string };

/** Maps one record with the function's `mapRecord`, applying its entry-size rule (SPEC §4). */
export function renderSample(config: Config, record: KafkaRecord): RenderedSample {
  const mapped = mapRecord(config, record);
  if (mapped instanceof PoisonRecordError)
    return { kind: "poison", code: mapped.code, message: mapped.message };
  if (mapped.size > config.maxRequestBytes) {
    return {
      kind: "poison",
      code: POISON_CODES.entryTooLarge,
      message: `entry of ${mapped.size} bytes exceeds MAX_REQUEST_BYTES=${config.maxRequestBytes}`,
    };
  }
  return { kind: "entry", entry: mapped.entry, size: mapped.size, billedEvents: billedChunks(mapped.size) };
}

/** An entry as JSON with its Detail embedded verbatim (re-parsing would round big integers). */
export function printableEntry(entry: { readonly Detail: string; readonly Time?: Date | number }): string {
  const { Detail, ...rest } = entry;
  const shown = { ...rest, ...(rest.Time instanceof Date ? { Time: rest.Time.toISOString() } : {}) };
  const head = JSON.stringify(shown, null, 2).slice(0, -2);
  return `${head},\n  "Detail": ${Detail}\n}`;
}

/** The report as the CLI prints it. */
export function formatReport(report: ConfigReport): string {
  const lines: string[] = [];
  for (const problem of report.problems) lines.push(`error: ${problem}`);
  for (const { name, suggestion } of report.unknown) {
    lines.push(
      `error: ${name} is not a setting of this function${suggestion === undefined ? "" : ` (did you mean ${suggestion}?)`}`,
    );
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  if (report.effective.length > 0) {
    lines.push("", "Effective configuration:");
    const width = Math.max(...report.effective.map((row) => row.name.length));
    for (const row of report.effective) {
      lines.push(`  ${row.name.padEnd(width)}  ${row.value}${row.isDefault ? "  (default)" : ""}`);
    }
  }
  return lines.join("\n");
}
