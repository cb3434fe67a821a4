import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { KafkaToEventBridgeProps } from "../../infra/options";
import { KafkaToEventBridgeStack } from "../../infra/stack";

export const CLUSTER_ARN =
  "arn:aws:kafka:us-east-1:123456789012:cluster/orders-cluster/abcd1234-abcd-cafe-abab-9876543210ab-4";
export const CLUSTER_TOPIC_PREFIX =
  "arn:aws:kafka:us-east-1:123456789012:topic/orders-cluster/abcd1234-abcd-cafe-abab-9876543210ab-4/";
export const CLUSTER_GROUP_PREFIX =
  "arn:aws:kafka:us-east-1:123456789012:group/orders-cluster/abcd1234-abcd-cafe-abab-9876543210ab-4/";
export const BUS_ARN = "arn:aws:events:eu-west-1:210987654321:event-bus/shared";
export const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:AmazonMSK_lambda-AbCdEf";
export const CA_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka-root-ca-XyZ123";
export const GLUE_REGISTRY_ARN = "arn:aws:glue:eu-west-1:123456789012:registry/orders-schemas";
export const KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
export const SUBNETS = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"];
export const SECURITY_GROUP = "sg-0123456789abcdef0";

/** An MSK IAM deployment of two topics onto an existing bus: the shape of the one-command example. */
export const mskIam = (overrides: Partial<KafkaToEventBridgeProps> = {}): KafkaToEventBridgeProps => ({
  mskClusterArn: CLUSTER_ARN,
  topics: ["orders", "customers"],
  eventBusArn: BUS_ARN,
  connectorId: "orders-sink",
  ...overrides,
});

/** A self-managed deployment with SCRAM credentials, reached inside a VPC. */
export const selfManaged = (overrides: Partial<KafkaToEventBridgeProps> = {}): KafkaToEventBridgeProps => ({
  bootstrapServers: ["b-1.kafka.example.com:9096", "b-2.kafka.example.com:9096"],
  topics: ["orders"],
  authSecretArn: SECRET_ARN,
  subnetIds: SUBNETS,
  securityGroupId: SECURITY_GROUP,
  eventBusArn: BUS_ARN,
  connectorId: "orders-sink",
  ...overrides,
});

/**
 * A stack for the options. Bundling is skipped (the asset is the source folder) so that a test costs no
 * esbuild run; asset metadata is on as under the CDK CLI. Pass `bundle: true` to build the real asset.
 */
export function synthStack(sink: KafkaToEventBridgeProps, { bundle = false } = {}): KafkaToEventBridgeStack {
  const app = new App({
    context: {
      "aws:cdk:enable-asset-metadata": true,
      ...(bundle ? {} : { "aws:cdk:bundling-stacks": [] }),
    },
  });
  return new KafkaToEventBridgeStack(app, "Test", { sink });
}

const templates = new Map<string, Template>();

/** The template for the options, synthesized once per distinct options and shared between tests. */
export function template(sink: KafkaToEventBridgeProps): Template {
  const key = JSON.stringify(sink);
  let cached = templates.get(key);
  if (cached === undefined) {
    cached = Template.fromStack(synthStack(sink));
    templates.set(key, cached);
  }
  return cached;
}

/** The only IAM policy document of the function's role. */
export function policyStatements(t: Template): { Action: string | string[]; Resource: unknown }[] {
  const policies = Object.values(t.findResources("AWS::IAM::Policy"));
  if (policies.length !== 1) throw new Error(`expected one IAM policy, found ${policies.length}`);
  return policies[0]?.Properties.PolicyDocument.Statement;
}

export function statementsWith(
  t: Template,
  action: string,
): { Action: string | string[]; Resource: unknown }[] {
  return policyStatements(t).filter((s) => [s.Action].flat().includes(action));
}
