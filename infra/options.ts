import { Token } from "aws-cdk-lib";
import { ENV } from "../lambda/env-names";
import {
  assertEventBusArn,
  assertKmsKeyArn,
  assertSecretArn,
  assertTopicArn,
  type MskClusterArn,
  parseMskClusterArn,
} from "./arns";
import { HANDLER_SETTINGS, type HandlerSettingsProps } from "./handler-settings";
import {
  type MappingSchemaRegistry,
  type ResolvedMappingSchemaRegistry,
  type ResolvedRegistries,
  resolveFunctionRegistries,
  resolveMappingSchemaRegistry,
} from "./registry-options";

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

/** How the deployment treats the dead-letter queue when the stack is deleted. */
export const REMOVAL_POLICIES = ["retain", "destroy"] as const;
export type RemovalPolicyName = (typeof REMOVAL_POLICIES)[number];

/**
 * Options of {@link KafkaToEventBridge}. `infra/app.ts` reads each from the CDK context under the same
 * name; an unknown name fails the synth with a "did you mean" hint, whether it comes from the context or
 * from props built at run time (JSON).
 */
export interface KafkaToEventBridgeProps extends HandlerSettingsProps {
  /**
   * MSK cluster to read from. Exactly one of `mskClusterArn` and `bootstrapServers`.
   *
   * @default - none
   */
  readonly mskClusterArn?: string;
  /**
   * Self-managed Kafka brokers, `host:port` each.
   *
   * @default - none
   */
  readonly bootstrapServers?: readonly string[];
  /** Topics to read: one event source mapping each (Lambda allows one topic per Kafka mapping). */
  readonly topics: readonly string[];
  /**
   * How Lambda authenticates to the brokers.
   *
   * @default - MSK: `iam`, or `scram-512` with `authSecretArn`; self-managed: `scram-512` with
   * `authSecretArn`, else `none`
   */
  readonly auth?: KafkaAuth;
  /**
   * Secrets Manager secret with the SASL credentials or the mTLS client certificate (full ARN).
   *
   * @default - none
   */
  readonly authSecretArn?: string;
  /**
   * Customer managed KMS key of the auth (and root CA) secrets; MSK requires one for SCRAM secrets, and
   * the mapping then needs kms:Decrypt on it.
   *
   * @default - the secrets use the AWS managed key
   */
  readonly authSecretKmsKeyArn?: string;
  /**
   * Self-managed only: secret with the root CA of the brokers' TLS certificates.
   *
   * @default - the brokers' certificates are signed by a public CA
   */
  readonly rootCaSecretArn?: string;
  /**
   * Self-managed only: subnets from which Lambda reaches the brokers (with `securityGroupId`).
   *
   * @default - the brokers are reached over the internet
   */
  readonly subnetIds?: readonly string[];
  /**
   * Self-managed only: security group of the pollers' network interfaces (with `subnetIds`).
   *
   * @default - none
   */
  readonly securityGroupId?: string;

  /**
   * Bus to publish to, in any region or account. The role gets `events:PutEvents` on it only.
   *
   * @default - a new bus
   */
  readonly eventBusArn?: string;

  /**
   * Provisioned mode; partial batch response, retry limits, record age, bisect, Kafka destinations and the
   * mapping's schema registry need it.
   *
   * @default true
   */
  readonly provisionedPollers?: boolean;
  /**
   * Fewest pollers per mapping in provisioned mode, 1 to 200.
   *
   * @default 1
   */
  readonly minimumPollers?: number;
  /**
   * Most pollers per mapping in provisioned mode, 1 to 2,000.
   *
   * @default 200
   */
  readonly maximumPollers?: number;
  /**
   * Provisioned mode: share pollers (and their cost) with other mappings of the VPC.
   *
   * @default - the mapping has pollers of its own
   */
  readonly pollerGroupName?: string;
  /**
   * `ReportBatchItemFailures` on the mappings and `PARTIAL_BATCH_RESPONSE=true` on the function, together.
   *
   * @default - true in provisioned mode
   */
  readonly partialBatchResponse?: boolean;
  /**
   * Retries before a batch goes to the on-failure destination: -1 (until the record expires) or 0 to 10,000.
   *
   * @default - 10 in provisioned mode
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this go to the on-failure destination: -1 (infinite) or 60 to 604,800 seconds.
   *
   * @default - unlimited
   */
  readonly maxRecordAgeSeconds?: number;
  /**
   * Split a failing batch in two and retry the halves.
   *
   * @default false
   */
  readonly bisectBatchOnError?: boolean;
  /**
   * Records per invocation, 1 to 10,000 (the invocation payload is capped at 6 MB).
   *
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Wait up to this long to fill a batch, 0 to 300 seconds.
   *
   * @default - Lambda's (0.5 s)
   */
  readonly maxBatchingWindowSeconds?: number;
  /**
   * Where a consumer group without committed offsets starts.
   *
   * @default "LATEST"
   */
  readonly startingPosition?: StartingPositionName;
  /**
   * Unix time in seconds, with `startingPosition: AT_TIMESTAMP`.
   *
   * @default - none
   */
  readonly startingPositionTimestamp?: number;
  /**
   * Consumer group; with several topics it must contain `${topic}`, since each mapping needs its own group.
   *
   * @default - the mapping's UUID
   */
  readonly consumerGroupId?: string;
  /**
   * ESM filter patterns, for example `[{ value: { type: ["order"] } }]`. Filtered-out records are skipped.
   *
   * @default - every record is delivered
   */
  readonly filters?: readonly Record<string, unknown>[];
  /**
   * Create the mappings enabled.
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Where the mapping sends what exhausts its retries: `sqs` (a queue of its own), `s3` or `kafka:<topic>`.
   *
   * @default "sqs"
   */
  readonly onFailure?: string;
  /**
   * The mapping's own schema registry: Lambda validates (and with `JSON`, decodes) keys and/or values
   * before invoking the function. Needs provisioned pollers.
   *
   * @default - the mapping passes the bytes as they are
   */
  readonly mappingSchemaRegistry?: MappingSchemaRegistry;

  /**
   * AWS Glue registries (ARNs) the function decodes `avro`/`protobuf`/`json-schema` records from: the role
   * gets `glue:GetSchemaVersion` on these registries and their schemas only.
   *
   * @default - no Glue registry
   */
  readonly glueRegistryArns?: readonly string[];
  /**
   * Customer managed KMS key of `schemaRegistryAuthSecretArn`: the role gets `kms:Decrypt` on it.
   *
   * @default - the secret uses the AWS managed key
   */
  readonly schemaRegistryAuthSecretKmsKeyArn?: string;

  /**
   * `OFFLOAD_S3_BUCKET`: an existing bucket (name) for claim-check payloads; the role gets `s3:PutObject`
   * on `<bucket>/<offloadS3Prefix>*` only. Exclusive with `createOffloadBucket`.
   *
   * @default - no claim-check offload, unless `createOffloadBucket`
   */
  readonly offloadS3Bucket?: string;
  /**
   * Create the claim-check bucket (`OFFLOAD_S3_BUCKET`): S3-managed encryption, public access blocked, TLS
   * enforced, objects expired after `offloadExpirationDays`.
   *
   * @default false
   */
  readonly createOffloadBucket?: boolean;
  /**
   * Days after which the created claim-check bucket expires objects (consumers must fetch them before).
   *
   * @default 30
   */
  readonly offloadExpirationDays?: number;

  /**
   * Function memory, 128 to 10,240 MB.
   *
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Function timeout, 1 to 900 seconds.
   *
   * @default 120
   */
  readonly timeoutSeconds?: number;
  /**
   * Caps concurrent invocations (and so PutEvents load).
   *
   * @default - no reservation
   */
  readonly reservedConcurrency?: number;
  /**
   * Log group retention in days.
   *
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * What happens to the dead-letter queue, and the poison records in it, when the stack is deleted.
   *
   * @default "retain"
   */
  readonly deadLetterQueueRemovalPolicy?: RemovalPolicyName;

  /**
   * Existing SNS topic for alarm notifications.
   *
   * @default - no notification, unless `alarmEmail`
   */
  readonly alarmTopicArn?: string;
  /**
   * Creates an SNS topic with this e-mail subscription for alarm notifications.
   *
   * @default - no notification, unless `alarmTopicArn`
   */
  readonly alarmEmail?: string;
  /**
   * Records of `OffsetLag` (maximum over 5 minutes, three periods in a row) that raise the lag alarm.
   *
   * @default 10000
   */
  readonly offsetLagAlarmThreshold?: number;
  /**
   * Records reported failed (`RecordsReportedFailed`, sum over 5 minutes) that raise its alarm.
   *
   * @default 1
   */
  readonly reportedFailedAlarmThreshold?: number;
  /**
   * Records dead-lettered (`RecordsDeadLettered`, sum over 5 minutes) that raise its alarm.
   *
   * @default 1
   */
  readonly deadLetteredAlarmThreshold?: number;
  /**
   * Throttled entries (`ThrottledEntries`, sum over 5 minutes, three periods in a row) that raise its alarm.
   *
   * @default 100
   */
  readonly throttledEntriesAlarmThreshold?: number;
  /**
   * Seconds from Kafka timestamp to delivery (`MaxDeliveryLag`, maximum over 5 minutes, three periods in a
   * row) that raise its alarm.
   *
   * @default 600
   */
  readonly deliveryLagAlarmSeconds?: number;
  /**
   * Create a CloudWatch dashboard for the deployment.
   *
   * @default true
   */
  readonly dashboard?: boolean;
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
  reportedFailedAlarmThreshold: 1,
  deadLetteredAlarmThreshold: 1,
  throttledEntriesAlarmThreshold: 100,
  deliveryLagAlarmSeconds: 600,
  dashboard: true,
  deadLetterQueueRemovalPolicy: "retain",
  offloadExpirationDays: 30,
} as const;

/** How an option is read from the CDK context (`-c name=value` gives strings; `cdk.json` may give JSON). */
export type OptionKind = "string" | "list" | "integer" | "boolean" | "json" | "perTopic";

type DeploymentOption = Exclude<keyof KafkaToEventBridgeProps, keyof HandlerSettingsProps>;

const DEPLOYMENT_OPTIONS: { readonly [K in DeploymentOption]-?: OptionKind } = {
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
  mappingSchemaRegistry: "json",
  glueRegistryArns: "list",
  schemaRegistryAuthSecretKmsKeyArn: "string",
  offloadS3Bucket: "string",
  createOffloadBucket: "boolean",
  offloadExpirationDays: "integer",
  memorySize: "integer",
  timeoutSeconds: "integer",
  reservedConcurrency: "integer",
  logRetentionDays: "integer",
  deadLetterQueueRemovalPolicy: "string",
  alarmTopicArn: "string",
  alarmEmail: "string",
  offsetLagAlarmThreshold: "integer",
  reportedFailedAlarmThreshold: "integer",
  deadLetteredAlarmThreshold: "integer",
  throttledEntriesAlarmThreshold: "integer",
  deliveryLagAlarmSeconds: "integer",
  dashboard: "boolean",
};

/**
 * Every option of the construct with its kind: the deployment's own, then the handler settings. The
 * mapped types make the compiler fail when a prop is added without an entry here, so this list, the
 * context reader and the unknown-option check cannot drift from the props.
 */
export const OPTION_KINDS: Readonly<Record<keyof KafkaToEventBridgeProps, OptionKind>> = {
  ...DEPLOYMENT_OPTIONS,
  ...HANDLER_SETTINGS,
};

export const OPTION_NAMES = Object.keys(OPTION_KINDS) as (keyof KafkaToEventBridgeProps)[];

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
  readonly deadLetterQueueRemovalPolicy: RemovalPolicyName;
  readonly mappingSchemaRegistry: ResolvedMappingSchemaRegistry | undefined;
  readonly registries: ResolvedRegistries;
  /** The claim-check bucket: one the construct creates, or an existing one by name. */
  readonly offload:
    | { readonly kind: "create"; readonly prefix: string; readonly expirationDays: number }
    | { readonly kind: "existing"; readonly bucketName: string; readonly prefix: string }
    | undefined;
  readonly alarms: {
    readonly offsetLag: number;
    readonly reportedFailed: number;
    readonly deadLettered: number;
    readonly throttledEntries: number;
    readonly deliveryLagSeconds: number;
  };
  readonly dashboard: boolean;
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

function nonNegative(option: string, value: number): number {
  return integerIn(option, value, 0, Number.MAX_SAFE_INTEGER);
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

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function resolveOffload(props: KafkaToEventBridgeProps): ResolvedOptions["offload"] {
  const { offloadS3Bucket: bucketName, createOffloadBucket, offloadExpirationDays } = props;
  if (bucketName !== undefined && createOffloadBucket === true) {
    throw new Error("Give either offloadS3Bucket (an existing bucket) or createOffloadBucket, not both");
  }
  if (offloadExpirationDays !== undefined && createOffloadBucket !== true) {
    throw new Error(
      "offloadExpirationDays applies to the bucket createOffloadBucket creates; manage an existing bucket's lifecycle yourself",
    );
  }
  const enabled = bucketName !== undefined || createOffloadBucket === true;
  if (!enabled) {
    for (const role of ["offloadS3Prefix", "offloadJsonPath", "offloadThresholdBytes"] as const) {
      if (props[role] !== undefined) {
        throw new Error(
          `${role} (${ENV[role]}) is set but offloading is off: give offloadS3Bucket or createOffloadBucket`,
        );
      }
    }
    return undefined;
  }
  const prefix = props.offloadS3Prefix ?? "";
  if (bucketName !== undefined) {
    if (!Token.isUnresolved(bucketName) && !BUCKET_NAME.test(bucketName)) {
      throw new Error(
        `offloadS3Bucket (OFFLOAD_S3_BUCKET) must be an S3 bucket name (3 to 63 of a-z 0-9 . -), got "${bucketName}"`,
      );
    }
    return { kind: "existing", bucketName, prefix };
  }
  return {
    kind: "create",
    prefix,
    expirationDays: integerIn(
      "offloadExpirationDays",
      offloadExpirationDays ?? DEFAULTS.offloadExpirationDays,
      1,
      36_500,
    ),
  };
}

/**
 * Validates the options and applies the defaults. Throws an error naming the option, the value and what
 * is allowed; nothing reaches CloudFormation that Lambda would reject at deploy time for a reason known now.
 */
export function resolveOptions(props: KafkaToEventBridgeProps): ResolvedOptions {
  const source = resolveSource(props);
  const topics = resolveTopics(props);
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
  const deadLetterQueueRemovalPolicy =
    props.deadLetterQueueRemovalPolicy ?? DEFAULTS.deadLetterQueueRemovalPolicy;
  if (!(REMOVAL_POLICIES as readonly string[]).includes(deadLetterQueueRemovalPolicy)) {
    throw new Error(
      `deadLetterQueueRemovalPolicy must be one of ${REMOVAL_POLICIES.join(", ")}, got "${deadLetterQueueRemovalPolicy}"`,
    );
  }
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
      // https://docs.aws.amazon.com/lambda/latest/dg/services-consume-kafka-events.html
      ["mappingSchemaRegistry", props.mappingSchemaRegistry !== undefined],
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

  const mappingSchemaRegistry = resolveMappingSchemaRegistry(props);
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
    deadLetterQueueRemovalPolicy,
    mappingSchemaRegistry,
    registries: resolveFunctionRegistries(props, mappingSchemaRegistry),
    offload: resolveOffload(props),
    alarms: {
      offsetLag: nonNegative(
        "offsetLagAlarmThreshold",
        props.offsetLagAlarmThreshold ?? DEFAULTS.offsetLagAlarmThreshold,
      ),
      reportedFailed: nonNegative(
        "reportedFailedAlarmThreshold",
        props.reportedFailedAlarmThreshold ?? DEFAULTS.reportedFailedAlarmThreshold,
      ),
      deadLettered: nonNegative(
        "deadLetteredAlarmThreshold",
        props.deadLetteredAlarmThreshold ?? DEFAULTS.deadLetteredAlarmThreshold,
      ),
      throttledEntries: nonNegative(
        "throttledEntriesAlarmThreshold",
        props.throttledEntriesAlarmThreshold ?? DEFAULTS.throttledEntriesAlarmThreshold,
      ),
      deliveryLagSeconds: nonNegative(
        "deliveryLagAlarmSeconds",
        props.deliveryLagAlarmSeconds ?? DEFAULTS.deliveryLagAlarmSeconds,
      ),
    },
    dashboard: props.dashboard ?? DEFAULTS.dashboard,
  };
}
