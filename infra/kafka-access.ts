import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { mskGroupArn, mskTopicArn } from "./arns";
import { acknowledgeWildcardResource } from "./nag-acknowledgments";
import type { KafkaAuth, ResolvedOnFailure, ResolvedOptions, ResolvedSource } from "./options";

/**
 * The `SourceAccessConfigurations` of every mapping for the chosen source and authentication.
 * https://docs.aws.amazon.com/lambda/latest/api/API_SourceAccessConfiguration.html
 */
export function sourceAccessConfigurations(source: ResolvedSource): lambda.SourceAccessConfiguration[] {
  const configurations: lambda.SourceAccessConfiguration[] = [];
  const type = authType(source.auth);
  if (type !== undefined && source.secretArn !== undefined) {
    configurations.push({ type, uri: source.secretArn });
  }
  if (source.kind === "self-managed") {
    if (source.rootCaSecretArn !== undefined) {
      configurations.push({
        type: lambda.SourceAccessConfigurationType.SERVER_ROOT_CA_CERTIFICATE,
        uri: source.rootCaSecretArn,
      });
    }
    if (source.vpc !== undefined) {
      // Lambda documents these URIs with a `subnet:` / `security_group:` prefix (see the SelfManagedKafka
      // examples of the Lambda and SAM guides); SelfManagedKafkaEventSource passes bare IDs and needs an IVpc.
      for (const subnetId of source.vpc.subnetIds) {
        configurations.push({
          type: lambda.SourceAccessConfigurationType.VPC_SUBNET,
          uri: `subnet:${subnetId}`,
        });
      }
      configurations.push({
        type: lambda.SourceAccessConfigurationType.VPC_SECURITY_GROUP,
        uri: `security_group:${source.vpc.securityGroupId}`,
      });
    }
  }
  return configurations;
}

function authType(auth: KafkaAuth): lambda.SourceAccessConfigurationType | undefined {
  switch (auth) {
    case "scram-512":
      return lambda.SourceAccessConfigurationType.SASL_SCRAM_512_AUTH;
    case "scram-256":
      return lambda.SourceAccessConfigurationType.SASL_SCRAM_256_AUTH;
    case "plain":
      return lambda.SourceAccessConfigurationType.BASIC_AUTH;
    case "mtls":
      return lambda.SourceAccessConfigurationType.CLIENT_CERTIFICATE_TLS_AUTH;
    case "iam":
    case "none":
      return undefined;
  }
}

/**
 * ENI actions the mapping needs to reach brokers inside a VPC. Describe* and the ENI create/delete calls
 * do not support resource-level permissions here, which is why these alone use `Resource: "*"`.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html
 */
export const ENI_ACTIONS = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeVpcs",
  "ec2:DeleteNetworkInterface",
  "ec2:DescribeSubnets",
  "ec2:DescribeSecurityGroups",
] as const;

/**
 * Grants the execution role what the mappings need for the source, its authentication and a Kafka-topic
 * on-failure destination, and nothing for features not in use. Written by hand instead of through
 * ManagedKafkaEventSource, which attaches AWSLambdaMSKExecutionRole (every action on `*`) and never adds
 * the `kafka-cluster:*` actions that IAM authentication needs.
 */
export function grantKafkaAccess(
  scope: Construct,
  role: iam.IRole,
  options: Pick<ResolvedOptions, "source" | "topics" | "onFailure">,
  secretKmsKeyArn?: string,
): void {
  const { source } = options;
  const statements: iam.PolicyStatement[] = [];
  const needsEni = source.kind === "msk" || source.vpc !== undefined;
  if (needsEni) {
    statements.push(new iam.PolicyStatement({ actions: [...ENI_ACTIONS], resources: ["*"] }));
    acknowledgeWildcardResource(
      role,
      "*",
      "The ENI actions Lambda needs to reach brokers in a VPC do not support resource-level permissions.",
    );
  }
  if (source.kind === "msk") {
    // DescribeClusterV2 works for provisioned and serverless clusters; DescribeCluster only for provisioned.
    statements.push(
      new iam.PolicyStatement({
        actions: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"],
        resources: [source.cluster.arn],
      }),
    );
    if (source.auth === "iam") statements.push(...mskIamStatements(role, source, options));
  }
  for (const statement of statements) role.addToPrincipalPolicy(statement);

  const secretArns = [source.secretArn, source.kind === "self-managed" ? source.rootCaSecretArn : undefined];
  secretArns.forEach((arn, index) => {
    if (arn === undefined) return;
    const secret = secretsmanager.Secret.fromSecretCompleteArn(scope, `KafkaSecret${index}`, arn);
    secret.grantRead(role);
  });
  if (secretKmsKeyArn !== undefined) {
    // https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html: a secret under a customer
    // managed key needs kms:Decrypt for the mapping to read it.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["kms:Decrypt"], resources: [secretKmsKeyArn] }),
    );
  }
}

/**
 * MSK IAM access control: connect, read the topics, manage the consumer groups, and write to a Kafka-topic
 * on-failure destination. Scoped to the cluster and to the topic and group ARNs.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html
 * https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html
 */
function mskIamStatements(
  role: iam.IRole,
  source: Extract<ResolvedSource, { kind: "msk" }>,
  options: { readonly topics: ResolvedOptions["topics"]; readonly onFailure: ResolvedOnFailure },
): iam.PolicyStatement[] {
  const { cluster } = source;
  // Without a consumer group id Lambda uses the mapping's UUID, unknown before deployment.
  const groups = [...new Set(options.topics.map((t) => mskGroupArn(cluster, t.consumerGroupId ?? "*")))];
  for (const group of groups.filter((arn) => arn.endsWith("/*"))) {
    acknowledgeWildcardResource(
      role,
      group,
      "Without consumerGroupId Lambda names each consumer group after its mapping UUID, unknown before deployment; " +
        "the wildcard covers the groups of this cluster only.",
    );
  }
  const statements = [
    new iam.PolicyStatement({
      actions: ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"],
      resources: [cluster.arn],
    }),
    new iam.PolicyStatement({
      actions: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
      resources: options.topics.map((t) => mskTopicArn(cluster, t.topic)),
    }),
    new iam.PolicyStatement({
      actions: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
      resources: groups,
    }),
  ];
  if (options.onFailure.kind === "kafka") {
    // https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html: a Kafka destination needs WriteData.
    statements.push(
      new iam.PolicyStatement({
        actions: ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
        resources: [mskTopicArn(cluster, options.onFailure.topic)],
      }),
    );
  }
  return statements;
}
