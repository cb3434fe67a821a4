import { HANDLER_SETTING_ROLES, type HandlerSettingRole, type KafkaToEventBridgeProps } from "./options";

type Kind = "string" | "list" | "integer" | "boolean" | "json";

type DeploymentOption = Exclude<keyof KafkaToEventBridgeProps, HandlerSettingRole>;

/**
 * How each deployment option is read from the CDK context (`-c name=value` gives strings; `cdk.json` may
 * give JSON values). Handler settings are read as strings under their `ENV` role names (`-c detailTypes=...`).
 */
const DEPLOYMENT_OPTIONS: { readonly [K in DeploymentOption]-?: Kind } = {
  mskClusterArn: "string",
  bootstrapServers: "list",
  topics: "list",
  auth: "string",
  authSecretArn: "string",
  authSecretKmsKeyArn: "string",
  rootCaSecretArn: "string",
  subnetIds: "list",
  securityGroupId: "string",
  eventBusArn: "string",
  provisionedPollers: "boolean",
  minimumPollers: "integer",
  maximumPollers: "integer",
  pollerGroupName: "string",
  partialBatchResponse: "boolean",
  retryAttempts: "integer",
  maxRecordAgeSeconds: "integer",
  bisectBatchOnError: "boolean",
  batchSize: "integer",
  maxBatchingWindowSeconds: "integer",
  startingPosition: "string",
  startingPositionTimestamp: "integer",
  consumerGroupId: "string",
  filters: "json",
  enabled: "boolean",
  onFailure: "string",
  memorySize: "integer",
  timeoutSeconds: "integer",
  reservedConcurrency: "integer",
  logRetentionDays: "integer",
  alarmTopicArn: "string",
  alarmEmail: "string",
  offsetLagAlarmThreshold: "integer",
};

/** Context names of every option the app reads, deployment options first, then handler settings. */
export const CONTEXT_OPTION_NAMES: readonly string[] = [
  ...Object.keys(DEPLOYMENT_OPTIONS),
  ...HANDLER_SETTING_ROLES,
];

function parse(name: string, kind: Kind, raw: unknown): unknown {
  switch (kind) {
    case "string":
      return String(raw);
    case "list": {
      const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(",");
      return items.map((item) => item.trim()).filter((item) => item !== "");
    }
    case "integer": {
      const text = String(raw).trim();
      if (!/^-?\d+$/.test(text)) throw new Error(`Context ${name} must be an integer, got "${text}"`);
      return Number(text);
    }
    case "boolean": {
      const text = String(raw).trim().toLowerCase();
      if (text !== "true" && text !== "false")
        throw new Error(`Context ${name} must be true or false, got "${text}"`);
      return text === "true";
    }
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

/** Builds the construct options from CDK context values; absent or empty values are left to the defaults. */
export function propsFromContext(tryGetContext: (name: string) => unknown): KafkaToEventBridgeProps {
  const props: Record<string, unknown> = {};
  const entries: [string, Kind][] = [
    ...(Object.entries(DEPLOYMENT_OPTIONS) as [string, Kind][]),
    ...HANDLER_SETTING_ROLES.map((role): [string, Kind] => [role, "string"]),
  ];
  for (const [name, kind] of entries) {
    const raw = tryGetContext(name);
    if (raw === undefined || raw === null || raw === "") continue;
    props[name] = parse(name, kind, raw);
  }
  props.topics ??= [];
  props.connectorId ??= "";
  return props as unknown as KafkaToEventBridgeProps;
}
