/**
 * Parsers for the ARNs the deployment accepts. Each throws an error that names the option, the value and
 * the expected shape, so a typo fails at synth instead of at deploy.
 */

/** The parts of an MSK cluster ARN that IAM topic and group ARNs are built from. */
export interface MskClusterArn {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly clusterName: string;
  readonly clusterUuid: string;
}

// https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html
// arn:${Partition}:kafka:${Region}:${Account}:cluster/${ClusterName}/${ClusterUuid}
const MSK_CLUSTER_ARN =
  /^arn:(aws[a-z-]*):kafka:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):cluster\/([^/\s]+)\/([^/\s]+)$/;

// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html
const EVENT_BUS_ARN =
  /^arn:(aws[a-z-]*):events:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):event-bus\/[A-Za-z0-9._\-/]+$/;

// https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources
const SECRET_ARN =
  /^arn:(aws[a-z-]*):secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):secret:[A-Za-z0-9/_+=.@-]+$/;

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/[A-Za-z0-9+=,.@_\-/]+$/;

// https://docs.aws.amazon.com/sns/latest/dg/sns-using-identity-based-policies.html
const TOPIC_ARN = /^arn:(aws[a-z-]*):sns:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

// https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-key-ARN
const KMS_KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):key\/[A-Za-z0-9-]+$/;

// https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html
// arn:${Partition}:glue:${Region}:${Account}:registry/${RegistryName}
const GLUE_REGISTRY_ARN =
  /^arn:(aws[a-z-]*):glue:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):registry\/([A-Za-z0-9_$#.-]{1,255})$/;

/** The parts of an AWS Glue schema registry ARN that the schema ARNs of its grant are built from. */
export interface GlueRegistryArn {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

function invalid(option: string, value: string, shape: string): Error {
  return new Error(`${option} must be an ARN of the form ${shape}, got "${value}"`);
}

/** Splits an MSK cluster ARN into the parts IAM topic and group ARNs need. */
export function parseMskClusterArn(value: string): MskClusterArn {
  const match = MSK_CLUSTER_ARN.exec(value);
  if (!match) {
    throw invalid("mskClusterArn", value, "arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>");
  }
  const [, partition = "", region = "", account = "", clusterName = "", clusterUuid = ""] = match;
  return { arn: value, partition, region, account, clusterName, clusterUuid };
}

/** Splits an AWS Glue registry ARN given for `option`. */
export function parseGlueRegistryArn(option: string, value: string): GlueRegistryArn {
  const match = GLUE_REGISTRY_ARN.exec(value);
  if (!match) throw invalid(option, value, "arn:aws:glue:<region>:<account>:registry/<name>");
  const [, partition = "", region = "", account = "", name = ""] = match;
  return { arn: value, partition, region, account, name };
}

/**
 * The schemas of a Glue registry, for `glue:GetSchemaVersion`: the action is authorized on the registry and
 * on the schema the version belongs to (https://docs.aws.amazon.com/glue/latest/dg/schema-registry-gs.html
 * scopes reads by `registry/<name>` and `schema/<registry>/<schema>`, as aws-cdk-lib's GlueSchemaRegistry
 * grant does).
 */
export function glueSchemasArn(registry: GlueRegistryArn): string {
  return `arn:${registry.partition}:glue:${registry.region}:${registry.account}:schema/${registry.name}/*`;
}

/** An assertion that `value`, given for `option`, matches `pattern`; `shape` is what the error shows. */
function arnAssertion(pattern: RegExp, shape: string): (option: string, value: string) => void {
  return (option, value) => {
    if (!pattern.test(value)) throw invalid(option, value, shape);
  };
}

const assertEventBus = arnAssertion(EVENT_BUS_ARN, "arn:aws:events:<region>:<account>:event-bus/<name>");

export function assertEventBusArn(value: string): void {
  assertEventBus("eventBusArn", value);
}

export const assertSecretArn = arnAssertion(
  SECRET_ARN,
  "arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>",
);

export const assertKmsKeyArn = arnAssertion(KMS_KEY_ARN, "arn:aws:kms:<region>:<account>:key/<key-id>");

export const assertRoleArn = arnAssertion(ROLE_ARN, "arn:aws:iam::<account>:role/<name>");

export const assertTopicArn = arnAssertion(TOPIC_ARN, "arn:aws:sns:<region>:<account>:<topic>");

/**
 * IAM resource ARNs of topics and consumer groups of an MSK cluster (IAM access control).
 * https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html
 */
export function mskTopicArn(cluster: MskClusterArn, topic: string): string {
  return `arn:${cluster.partition}:kafka:${cluster.region}:${cluster.account}:topic/${cluster.clusterName}/${cluster.clusterUuid}/${topic}`;
}

export function mskGroupArn(cluster: MskClusterArn, group: string): string {
  return `arn:${cluster.partition}:kafka:${cluster.region}:${cluster.account}:group/${cluster.clusterName}/${cluster.clusterUuid}/${group}`;
}
