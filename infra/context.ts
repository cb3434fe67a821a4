import { unknownNames } from "./did-you-mean";
import { HANDLER_SETTINGS } from "./handler-settings";
import { type KafkaToEventBridgeProps, OPTION_KINDS, OPTION_NAMES, type OptionKind } from "./options";

/** Context keys the app reads that are not construct options. */
export const APP_CONTEXT_KEYS = ["stackName", "nag"] as const;

/** Context names of every option the app reads: the construct options, then the app's own keys. */
export const CONTEXT_OPTION_NAMES: readonly string[] = [...OPTION_NAMES, ...APP_CONTEXT_KEYS];

/**
 * Whether a context key belongs to the CDK itself rather than to this app: feature flags (`@aws-cdk/...`),
 * the CLI's settings (`aws:cdk:...`) and cached lookups (`availability-zones:account=...`) all carry a
 * `:` or start with `@`.
 */
function isCdkKey(key: string): boolean {
  return key.includes(":") || key.startsWith("@");
}

/**
 * Fails on a context key that is neither one of the app's nor the CDK's: a typo (`-c batchsize=500`)
 * would otherwise deploy the default silently. The error lists every unknown key with the closest name.
 */
export function assertKnownContextKeys(keys: Iterable<string>): void {
  const problems = unknownNames(
    [...keys].filter((key) => !isCdkKey(key)),
    CONTEXT_OPTION_NAMES,
    "context key",
  );
  if (problems.length > 0) throw new Error(problems.join("\n"));
}

const isHandlerSetting = (name: string): boolean => Object.hasOwn(HANDLER_SETTINGS, name);

/**
 * Reads one context value. A handler setting whose text is not a number or boolean is passed on as text,
 * so that the function's own loader rejects it with its message (`maxConcurrency (MAX_CONCURRENCY) =
 * "lots" is invalid: expected an integer from 1 to 256`) instead of a second copy of its rules here.
 */
function parse(name: string, kind: OptionKind, raw: unknown): unknown {
  switch (kind) {
    case "string":
      return String(raw);
    case "list": {
      const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(",");
      return items.map((item) => item.trim()).filter((item) => item !== "");
    }
    case "integer": {
      if (typeof raw === "number") return raw;
      const text = String(raw).trim();
      if (/^-?\d+$/.test(text)) return Number(text);
      if (isHandlerSetting(name)) return text;
      throw new Error(`Context ${name} must be an integer, got "${text}"`);
    }
    case "boolean": {
      if (typeof raw === "boolean") return raw;
      const text = String(raw).trim().toLowerCase();
      if (text === "true" || text === "false") return text === "true";
      if (isHandlerSetting(name)) return String(raw);
      throw new Error(`Context ${name} must be true or false, got "${text}"`);
    }
    case "perTopic":
      // `orders:json,logs:string` is the variable's own syntax; cdk.json may give the map as an object.
      return typeof raw === "object" ? raw : String(raw);
    case "json": {
      if (typeof raw !== "string") return raw;
      try {
        return JSON.parse(raw);
      } catch (error) {
        throw new Error(`Context ${name} must be JSON, got ${raw}`, { cause: error });
      }
    }
  }
}

/**
 * Builds the construct options from CDK context values; absent or empty values are left to the defaults.
 * Every malformed value is reported at once.
 */
export function propsFromContext(tryGetContext: (name: string) => unknown): KafkaToEventBridgeProps {
  const props: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, kind] of Object.entries(OPTION_KINDS) as [string, OptionKind][]) {
    const raw = tryGetContext(name);
    if (raw === undefined || raw === null || raw === "") continue;
    try {
      props[name] = parse(name, kind, raw);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  props.topics ??= [];
  props.connectorId ??= "";
  return props as unknown as KafkaToEventBridgeProps;
}
