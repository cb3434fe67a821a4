import { ENV, type EnvRole, RECORD_FORMATS } from "../lambda/env-names";
import {
  assertEventBusArn,
  assertKmsKeyArn,
  assertRoleArn,
  assertSecretArn,
  assertTopicArn,
  type MskClusterArn,
  parseMskClusterArn,
} from "./arns";

/**
 * Variables the construct derives from its own resources (the bus it grants, the queue it creates, the
 * mapping's response types), so they are not options: setting them by hand could only make them disagree.
 */
const DERIVED_ROLES = ["eventBusArn", "dlqUrl", "partialBatchResponse"] as const satisfies readonly EnvRole[];

/** Every other handler variable is a construct option named by its role in `ENV` (`detailTypes`, ...). */
export type HandlerSettingRole = Exclude<EnvRole, (typeof DERIVED_ROLES)[number]>;

export const HANDLER_SETTING_ROLES: readonly HandlerSettingRole[] = (Object.keys(ENV) as EnvRole[]).filter(
  (role): role is HandlerSettingRole => !(DERIVED_ROLES as readonly string[]).includes(role),
);

export type HandlerSettings = { readonly [R in HandlerSettingRole]?: string | number | boolean };

/**
 * How Lambda authenticates to the brokers.
 * MSK: `iam` (default), `scram-512`, `mtls`, `none`. Self-managed: `scram-512` (default with a secret),
 * `scram-256`, `plain`, `mtls`, `none` (default without a secret, only inside a VPC).
 * https://docs.aws.amazon.com/lambda/latest/api/API_SourceAccessConfiguration.html
 */
export const KAFKA_AUTHS = ["iam", "scram-512", "scram-256", "plain", "mtls", "none"] as const;
export type KafkaAuth = (typeof KAFKA_AUTHS)[number];

export const STARTING_POSITIONS = ["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"] as const;
export type StartingPositionName = (typeof STARTING_POSITIONS)[number];

/** Options of {@link KafkaToEventBridge}; `infra/app.ts` reads each from the CDK context under the same name. */
export interface KafkaToEventBridgeProps extends HandlerSettings {
  /** MSK cluster to read from. Exactly one of `mskClusterArn` and `bootstrapServers`. */
  readonly mskClusterArn?: string;
  /** Self-managed Kafka brokers, `host:port` each. */
  readonly bootstrapServers?: readonly string[];
  /** One event source mapping per topic: Lambda allows one topic per Kafka mapping. */
  readonly topics: readonly string[];
  readonly auth?: KafkaAuth;
  /** Secrets Manager secret with the SASL credentials or the mTLS client certificate (full ARN). */
  readonly authSecretArn?: string;
  /**
   * Customer managed KMS key of the auth (and root CA) secrets; MSK requires one for SCRAM secrets, and
   * the mapping then needs kms:Decrypt on it.
   */
  readonly authSecretKmsKeyArn?: string;
  /** Self-managed only: secret with the root CA of the brokers' TLS certificates. */
  readonly rootCaSecretArn?: string;
  /** Self-managed only: subnets from which Lambda reaches the brokers (with `securityGroupId`). */
  readonly subnetIds?: readonly string[];
  readonly securityGroupId?: string;

  /** `CONNECTOR_ID`: events get `Source: kafka-connect.<connectorId>` unless `eventSource` is set. */
  readonly connectorId: string;
  /** Bus to publish to, in any region or account. A new bus is created when absent. */
  readonly eventBusArn?: string;

  /** Provisioned mode; partial batch response, retry limits, record age, bisect and Kafka destinations need it. */
  readonly provisionedPollers?: boolean;
  readonly minimumPollers?: number;
  readonly maximumPollers?: number;
  readonly pollerGroupName?: string;
  /** `ReportBatchItemFailures` on the mappings and `PARTIAL_BATCH_RESPONSE=true` on the function, together. */
  readonly partialBatchResponse?: boolean;
  /** -1 (infinite) or 0 to 10,000. */
  readonly retryAttempts?: number;
  /** -1 (infinite) or 60 to 604,800. */
  readonly maxRecordAgeSeconds?: number;
  readonly bisectBatchOnError?: boolean;
  readonly batchSize?: number;
  readonly maxBatchingWindowSeconds?: number;
  readonly startingPosition?: StartingPositionName;
  /** Unix time in seconds, with `startingPosition: AT_TIMESTAMP`. */
  readonly startingPositionTimestamp?: number;
  /** Consumer group; with several topics it must contain `${topic}`, since each mapping needs its own group. */
  readonly consumerGroupId?: string;
  /** ESM filter patterns, for example `[{ value: { type: ["order"] } }]`. Filtered-out records are skipped. */
  readonly filters?: readonly Record<string, unknown>[];
  readonly enabled?: boolean;
  /** Where the mapping sends what exhausts its retries: `sqs` (a queue of its own), `s3` or `kafka:<topic>`. */
  readonly onFailure?: string;

  readonly memorySize?: number;
  readonly timeoutSeconds?: number;
  readonly reservedConcurrency?: number;
  readonly logRetentionDays?: number;

  /** Existing SNS topic for alarm notifications. */
  readonly alarmTopicArn?: string;
  /** Creates an SNS topic with this e-mail subscription for alarm notifications. */
  readonly alarmEmail?: string;
  readonly offsetLagAlarmThreshold?: number;
}

/** Defaults; `cdk.json` repeats them as documented context values (a test keeps the two equal). */
export const DEFAULTS = {
  provisionedPollers: true,
  minimumPollers: 1,
  maximumPollers: 200,
  retryAttempts: 10,
  batchSize: 100,
  startingPosition: "LATEST",
  onFailure: "sqs",
  memorySize: 1024,
  timeoutSeconds: 120,
  logRetentionDays: 30,
  offsetLagAlarmThreshold: 10_000,
} as const;

export type ResolvedSource =
  | {
      readonly kind: "msk";
      readonly cluster: MskClusterArn;
      readonly auth: KafkaAuth;
      readonly secretArn: string | undefined;
    }
  | {
      readonly kind: "self-managed";
      readonly bootstrapServers: readonly string[];
      readonly auth: KafkaAuth;
      readonly secretArn: string | undefined;
      readonly rootCaSecretArn: string | undefined;
      readonly vpc: { readonly subnetIds: readonly string[]; readonly securityGroupId: string } | undefined;
    };

export type ResolvedOnFailure =
  | { readonly kind: "sqs" }
  | { readonly kind: "s3" }
  | { readonly kind: "kafka"; readonly topic: string };

/** The options after validation, with defaults applied and each topic's consumer group worked out. */
export interface ResolvedOptions {
  readonly source: ResolvedSource;
  readonly topics: readonly { readonly topic: string; readonly consumerGroupId: string | undefined }[];
  readonly provisioned:
    | { readonly minimumPollers: number; readonly maximumPollers: number; readonly pollerGroupName?: string }
    | undefined;
  readonly partialBatchResponse: boolean;
  readonly retryAttempts: number | undefined;
  readonly maxRecordAgeSeconds: number | undefined;
  readonly bisectBatchOnError: boolean | undefined;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number | undefined;
  readonly startingPosition: StartingPositionName;
  readonly startingPositionTimestamp: number | undefined;
  readonly filters: readonly Record<string, unknown>[] | undefined;
  readonly enabled: boolean;
  readonly onFailure: ResolvedOnFailure;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency: number | undefined;
  readonly logRetentionDays: number;
  readonly offsetLagAlarmThreshold: number;
}

// Kafka allows [a-zA-Z0-9._-]{1,249}; Lambda's Topics pattern ^[^.]([a-zA-Z0-9\-_.]+) also wants at least two
// characters and no leading dot: https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
const TOPIC_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{1,248}$/;
// https://docs.aws.amazon.com/lambda/latest/api/API_AmazonManagedKafkaEventSourceConfig.html
const CONSUMER_GROUP_ID = /^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/;
const BOOTSTRAP_SERVER = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal placeholder users write, as in DETAIL_TYPES.
const TOPIC_PLACEHOLDER = "${topic}";

function integerIn(option: string, value: number, min: number, max: number, alsoAllowed?: number): number {
  if (!Number.isInteger(value) || ((value < min || value > max) && value !== alsoAllowed)) {
    const extra = alsoAllowed === undefined ? "" : ` or ${alsoAllowed}`;
    throw new Error(`${option} must be an integer from ${min} to ${max}${extra}, got ${value}`);
  }
  return value;
}

function resolveAuth(props: KafkaToEventBridgeProps, kind: "msk" | "self-managed"): KafkaAuth {
  const secret = props.authSecretArn;
  const auth = props.auth ?? (secret ? "scram-512" : kind === "msk" ? "iam" : "none");
  if (!(KAFKA_AUTHS as readonly string[]).includes(auth)) {
    throw new Error(`auth must be one of ${KAFKA_AUTHS.join(", ")}, got "${auth}"`);
  }
  // MSK offers IAM, SASL/SCRAM-512 and mTLS: https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html
  const allowed: readonly KafkaAuth[] =
    kind === "msk"
      ? ["iam", "scram-512", "mtls", "none"]
      : ["scram-512", "scram-256", "plain", "mtls", "none"];
  if (!allowed.includes(auth)) {
    const source = kind === "msk" ? "an MSK cluster" : "self-managed Kafka";
    throw new Error(`auth "${auth}" is not available for ${source}; use one of ${allowed.join(", ")}`);
  }
  const needsSecret = auth !== "iam" && auth !== "none";
  if (needsSecret && !secret) {
    throw new Error(
      `auth "${auth}" needs authSecretArn (the secret with the credentials or client certificate)`,
    );
  }
  if (!needsSecret && secret) {
    throw new Error(`authSecretArn is set but auth "${auth}" does not use a secret`);
  }
  if (secret) assertSecretArn("authSecretArn", secret);
  return auth;
}

function resolveSource(props: KafkaToEventBridgeProps): ResolvedSource {
  const servers = props.bootstrapServers;
  if (props.mskClusterArn !== undefined && servers !== undefined) {
    throw new Error("Give either mskClusterArn (MSK) or bootstrapServers (self-managed Kafka), not both");
  }
  if (props.mskClusterArn === undefined && servers === undefined) {
    throw new Error("Give either mskClusterArn (MSK) or bootstrapServers (self-managed Kafka)");
  }
  if (props.mskClusterArn !== undefined) {
    const cluster = parseMskClusterArn(props.mskClusterArn);
    for (const option of ["rootCaSecretArn", "subnetIds", "securityGroupId"] as const) {
      if (props[option] !== undefined) {
        throw new Error(
          `${option} applies to self-managed Kafka only; MSK mappings use the cluster's own network`,
        );
      }
    }
    return { kind: "msk", cluster, auth: resolveAuth(props, "msk"), secretArn: props.authSecretArn };
  }
  const bootstrapServers = servers ?? [];
  if (bootstrapServers.length === 0) throw new Error("bootstrapServers must list at least one host:port");
  for (const server of bootstrapServers) {
    if (!BOOTSTRAP_SERVER.test(server)) {
      throw new Error(`bootstrapServers must be host:port entries, got "${server}"`);
    }
  }
  const { subnetIds, securityGroupId } = props;
  if ((subnetIds === undefined) !== (securityGroupId === undefined)) {
    throw new Error("subnetIds and securityGroupId go together: give both to reach brokers inside a VPC");
  }
  let vpc: { subnetIds: readonly string[]; securityGroupId: string } | undefined;
  if (subnetIds !== undefined && securityGroupId !== undefined) {
    if (subnetIds.length === 0) throw new Error("subnetIds must list at least one subnet");
    for (const id of subnetIds) {
      if (!SUBNET_ID.test(id)) throw new Error(`subnetIds must be subnet-<hex> identifiers, got "${id}"`);
    }
    if (!SECURITY_GROUP_ID.test(securityGroupId)) {
      throw new Error(`securityGroupId must be an sg-<hex> identifier, got "${securityGroupId}"`);
    }
    vpc = { subnetIds, securityGroupId };
  }
  const auth = resolveAuth(props, "self-managed");
  if (auth === "none" && vpc === undefined) {
    // Lambda only reaches unauthenticated brokers inside a VPC; over the internet it needs credentials.
    throw new Error("Self-managed Kafka without a VPC (subnetIds, securityGroupId) needs authSecretArn");
  }
  if (props.rootCaSecretArn !== undefined) assertSecretArn("rootCaSecretArn", props.rootCaSecretArn);
  return {
    kind: "self-managed",
    bootstrapServers,
    auth,
    secretArn: props.authSecretArn,
    rootCaSecretArn: props.rootCaSecretArn,
    vpc,
  };
}

function resolveTopics(props: KafkaToEventBridgeProps): ResolvedOptions["topics"] {
  const topics = props.topics;
  if (topics.length === 0) throw new Error("topics must list at least one topic");
  if (new Set(topics).size !== topics.length)
    throw new Error(`topics must not repeat, got ${topics.join(",")}`);
  for (const topic of topics) {
    if (!TOPIC_NAME.test(topic)) {
      throw new Error(
        `topics must be topic names Lambda accepts ([A-Za-z0-9._-], 2 to 249, no leading dot), got "${topic}"`,
      );
    }
  }
  const template = props.consumerGroupId;
  if (template !== undefined && topics.length > 1 && !template.includes(TOPIC_PLACEHOLDER)) {
    // https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html#services-msk-consumer-group-id
    throw new Error(
      `consumerGroupId must contain ${TOPIC_PLACEHOLDER} when there are several topics: each mapping needs its own consumer group`,
    );
  }
  return topics.map((topic) => {
    const consumerGroupId = template?.replaceAll(TOPIC_PLACEHOLDER, topic);
    if (consumerGroupId !== undefined && !CONSUMER_GROUP_ID.test(consumerGroupId)) {
      throw new Error(`consumerGroupId must match [a-zA-Z0-9-/*:_+=.@]{1,200}, got "${consumerGroupId}"`);
    }
    return { topic, consumerGroupId };
  });
}

function resolveOnFailure(props: KafkaToEventBridgeProps, topics: readonly string[]): ResolvedOnFailure {
  const value = props.onFailure ?? DEFAULTS.onFailure;
  if (value === "sqs" || value === "s3") return { kind: value };
  if (value.startsWith("kafka:")) {
    const topic = value.slice("kafka:".length);
    if (!TOPIC_NAME.test(topic))
      throw new Error(`onFailure kafka:<topic> needs a Kafka topic name, got "${value}"`);
    // https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html (recursion prevention)
    if (topics.includes(topic))
      throw new Error(`onFailure topic "${topic}" must not be one of the source topics`);
    return { kind: "kafka", topic };
  }
  throw new Error(`onFailure must be sqs, s3 or kafka:<topic>, got "${value}"`);
}

function assertHandlerSettings(props: KafkaToEventBridgeProps): void {
  if (!props.connectorId?.trim()) throw new Error("connectorId must be a non-empty string");
  for (const role of ["keyFormat", "valueFormat"] as const) {
    const value = props[role];
    if (value === undefined) continue;
    for (const entry of String(value).split(",")) {
      const format = entry.slice(entry.lastIndexOf(":") + 1).trim();
      if (!(RECORD_FORMATS as readonly string[]).includes(format)) {
        throw new Error(
          `${role} (${ENV[role]}) formats must be one of ${RECORD_FORMATS.join(", ")}, got "${entry}"`,
        );
      }
    }
  }
  if (props.iamRoleArn !== undefined) assertRoleArn("iamRoleArn", String(props.iamRoleArn));
  if (props.schemaRegistryAuthSecretArn !== undefined) {
    assertSecretArn("schemaRegistryAuthSecretArn", String(props.schemaRegistryAuthSecretArn));
  }
}

/**
 * Validates the options and applies the defaults. Throws an error naming the option, the value and what
 * is allowed; nothing reaches CloudFormation that Lambda would reject at deploy time for a reason known now.
 */
export function resolveOptions(props: KafkaToEventBridgeProps): ResolvedOptions {
  const source = resolveSource(props);
  const topics = resolveTopics(props);
  assertHandlerSettings(props);
  if (props.eventBusArn !== undefined) assertEventBusArn(props.eventBusArn);
  if (props.authSecretKmsKeyArn !== undefined) {
    if (props.authSecretArn === undefined && props.rootCaSecretArn === undefined) {
      throw new Error(
        "authSecretKmsKeyArn is set but there is no authSecretArn or rootCaSecretArn to decrypt",
      );
    }
    assertKmsKeyArn("authSecretKmsKeyArn", props.authSecretKmsKeyArn);
  }
  if (props.alarmTopicArn !== undefined) assertTopicArn("alarmTopicArn", props.alarmTopicArn);
  if (props.alarmTopicArn !== undefined && props.alarmEmail !== undefined) {
    throw new Error("Give either alarmTopicArn (an existing topic) or alarmEmail (a new topic), not both");
  }
  const onFailure = resolveOnFailure(
    props,
    topics.map((t) => t.topic),
  );

  const provisionedPollers = props.provisionedPollers ?? DEFAULTS.provisionedPollers;
  if (!provisionedPollers) {
    // https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html: these error handling
    // controls, and Kafka-topic destinations, are only available in provisioned mode.
    const provisionedOnly: [string, boolean][] = [
      ["partialBatchResponse", props.partialBatchResponse === true],
      ["retryAttempts", props.retryAttempts !== undefined],
      ["maxRecordAgeSeconds", props.maxRecordAgeSeconds !== undefined],
      ["bisectBatchOnError", props.bisectBatchOnError !== undefined],
      ["onFailure kafka:<topic>", onFailure.kind === "kafka"],
      ["minimumPollers", props.minimumPollers !== undefined],
      ["maximumPollers", props.maximumPollers !== undefined],
      ["pollerGroupName", props.pollerGroupName !== undefined],
    ];
    const set = provisionedOnly.filter(([, isSet]) => isSet).map(([name]) => name);
    if (set.length > 0) {
      throw new Error(
        `${set.join(", ")} need provisioned pollers; remove them or set provisionedPollers to true`,
      );
    }
  }

  let provisioned: ResolvedOptions["provisioned"];
  if (provisionedPollers) {
    // https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html
    const minimumPollers = integerIn(
      "minimumPollers",
      props.minimumPollers ?? DEFAULTS.minimumPollers,
      1,
      200,
    );
    const maximumPollers = integerIn(
      "maximumPollers",
      props.maximumPollers ?? DEFAULTS.maximumPollers,
      1,
      2000,
    );
    if (minimumPollers > maximumPollers) {
      throw new Error(
        `minimumPollers (${minimumPollers}) must not exceed maximumPollers (${maximumPollers})`,
      );
    }
    provisioned = {
      minimumPollers,
      maximumPollers,
      ...(props.pollerGroupName === undefined ? {} : { pollerGroupName: props.pollerGroupName }),
    };
  }

  // https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (value ranges)
  const retryAttempts =
    props.retryAttempts ?? (provisionedPollers ? (DEFAULTS.retryAttempts as number | undefined) : undefined);
  if (retryAttempts !== undefined) integerIn("retryAttempts", retryAttempts, 0, 10_000, -1);
  if (props.maxRecordAgeSeconds !== undefined) {
    integerIn("maxRecordAgeSeconds", props.maxRecordAgeSeconds, 60, 604_800, -1);
  }
  const batchSize = integerIn("batchSize", props.batchSize ?? DEFAULTS.batchSize, 1, 10_000);
  if (props.maxBatchingWindowSeconds !== undefined) {
    integerIn("maxBatchingWindowSeconds", props.maxBatchingWindowSeconds, 0, 300);
  }

  const startingPosition = props.startingPosition ?? DEFAULTS.startingPosition;
  if (!(STARTING_POSITIONS as readonly string[]).includes(startingPosition)) {
    throw new Error(
      `startingPosition must be one of ${STARTING_POSITIONS.join(", ")}, got "${startingPosition}"`,
    );
  }
  if ((startingPosition === "AT_TIMESTAMP") !== (props.startingPositionTimestamp !== undefined)) {
    throw new Error(
      "startingPositionTimestamp is required with, and only allowed with, startingPosition AT_TIMESTAMP",
    );
  }
  if (props.startingPositionTimestamp !== undefined) {
    integerIn("startingPositionTimestamp", props.startingPositionTimestamp, 0, Number.MAX_SAFE_INTEGER);
  }
  if (props.filters !== undefined) {
    if (props.filters.length === 0) throw new Error("filters must hold at least one pattern when given");
    for (const filter of props.filters) {
      if (typeof filter !== "object" || filter === null || Array.isArray(filter)) {
        throw new Error(`filters must be JSON objects (ESM filter patterns), got ${JSON.stringify(filter)}`);
      }
    }
  }

  return {
    source,
    topics,
    provisioned,
    partialBatchResponse: props.partialBatchResponse ?? provisionedPollers,
    retryAttempts,
    maxRecordAgeSeconds: props.maxRecordAgeSeconds,
    bisectBatchOnError: props.bisectBatchOnError,
    batchSize,
    maxBatchingWindowSeconds: props.maxBatchingWindowSeconds,
    startingPosition,
    startingPositionTimestamp: props.startingPositionTimestamp,
    filters: props.filters,
    enabled: props.enabled ?? true,
    onFailure,
    // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
    memorySize: integerIn("memorySize", props.memorySize ?? DEFAULTS.memorySize, 128, 10_240),
    timeoutSeconds: integerIn("timeoutSeconds", props.timeoutSeconds ?? DEFAULTS.timeoutSeconds, 1, 900),
    reservedConcurrency:
      props.reservedConcurrency === undefined
        ? undefined
        : integerIn("reservedConcurrency", props.reservedConcurrency, 0, 100_000),
    logRetentionDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
    offsetLagAlarmThreshold: props.offsetLagAlarmThreshold ?? DEFAULTS.offsetLagAlarmThreshold,
  };
}

/** The function's environment: every handler setting that is set, under its `ENV` name. */
export function handlerEnvironment(props: HandlerSettings): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const role of HANDLER_SETTING_ROLES) {
    const value = props[role];
    if (value !== undefined) environment[ENV[role]] = String(value);
  }
  return environment;
}
