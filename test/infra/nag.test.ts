import * as iam from "aws-cdk-lib/aws-iam";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import type { KafkaToEventBridgeProps } from "../../infra/options";
import { CA_SECRET_ARN, GLUE_REGISTRY_ARN, mskIam, SECRET_ARN, selfManaged, synthStack } from "./synth";

const findings = (props: KafkaToEventBridgeProps): string[] => {
  const stack = synthStack(props);
  const report = new AwsSolutionsChecks(stack.node.root).validateScope(stack.node.root);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`),
  );
};

describe("cdk-nag AwsSolutions", () => {
  it.each([
    ["MSK IAM with a Kafka destination", mskIam({ onFailure: "kafka:orders-dlt" })],
    [
      "MSK SCRAM with an S3 destination and alarm e-mail",
      mskIam({ authSecretArn: SECRET_ARN, onFailure: "s3", alarmEmail: "ops@example.com" }),
    ],
    [
      "MSK mTLS with consumer groups",
      mskIam({ auth: "mtls", authSecretArn: SECRET_ARN, consumerGroupId: `sink-\${topic}` }),
    ],
    ["self-managed SCRAM in a VPC with a private CA", selfManaged({ rootCaSecretArn: CA_SECRET_ARN })],
    ["self-managed with a new bus", selfManaged({ eventBusArn: undefined })],
    ["the mapping's own Glue schema registry", mskIam({ mappingSchemaRegistry: { uri: GLUE_REGISTRY_ARN } })],
    [
      "the mapping's own Confluent registry with basic auth",
      mskIam({
        mappingSchemaRegistry: {
          uri: "https://registry.example.com",
          accessConfigs: [{ type: "BASIC_AUTH", secretArn: SECRET_ARN }],
        },
      }),
    ],
  ])("reports no unacknowledged finding for %s", (_, props) => {
    expect(findings(props)).toEqual([]);
  });

  // These synthesize only once the function accepts the registry and offload settings (lambda side of 9/10).
  it.each<[string, KafkaToEventBridgeProps]>([
    ["a created claim-check bucket", mskIam({ createOffloadBucket: true, offloadS3Prefix: "kafka/" })],
    ["an existing claim-check bucket", mskIam({ offloadS3Bucket: "claim-checks" })],
    [
      "Glue and Confluent registries decoded by the function",
      mskIam({
        valueFormat: "avro",
        glueRegistryArns: [GLUE_REGISTRY_ARN],
        schemaRegistryUrl: "https://registry.example.com",
        schemaRegistryAuthSecretArn: SECRET_ARN,
      }),
    ],
  ])("reports no unacknowledged finding for %s", (_, props) => {
    expect(findings(props)).toEqual([]);
  });

  it("acknowledges only the wildcards it grants, so another one is still reported", () => {
    const stack = synthStack(mskIam());
    stack.sink.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::elsewhere/*"] }),
    );
    const report = new AwsSolutionsChecks(stack.node.root).validateScope(stack.node.root);
    expect(report.violations.map((v) => v.ruleName)).toEqual([
      "AwsSolutions-IAM5[Resource::arn:aws:s3:::elsewhere/*]",
    ]);
  });
});
