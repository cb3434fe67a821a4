import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import {
  CA_SECRET_ARN,
  CLUSTER_ARN,
  CLUSTER_GROUP_PREFIX,
  CLUSTER_TOPIC_PREFIX,
  mskIam,
  SECRET_ARN,
  SECURITY_GROUP,
  SUBNETS,
  selfManaged,
  statementsWith,
  template,
} from "./synth";

describe("MSK source", () => {
  it("creates one mapping per topic on the cluster", () => {
    const t = template(mskIam());
    t.resourceCountIs("AWS::Lambda::EventSourceMapping", 2);
    for (const topic of ["orders", "customers"]) {
      t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
        EventSourceArn: CLUSTER_ARN,
        Topics: [topic],
        FunctionName: { Ref: "KafkaToEventBridgeFunction" },
      });
    }
  });

  it("authenticates with IAM by default, without source access configurations", () => {
    const t = template(mskIam());
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: CLUSTER_ARN,
      SourceAccessConfigurations: Match.absent(),
    });
  });

  it("grants the kafka-cluster actions of IAM auth scoped to the cluster, its topics and its groups", () => {
    const t = template(mskIam());
    expect(statementsWith(t, "kafka-cluster:Connect")).toEqual([
      expect.objectContaining({
        Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeClusterDynamicConfiguration"],
        Resource: CLUSTER_ARN,
      }),
    ]);
    expect(statementsWith(t, "kafka-cluster:ReadData")).toEqual([
      expect.objectContaining({
        Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
        Resource: [`${CLUSTER_TOPIC_PREFIX}orders`, `${CLUSTER_TOPIC_PREFIX}customers`],
      }),
    ]);
    expect(statementsWith(t, "kafka-cluster:AlterGroup")).toEqual([
      expect.objectContaining({
        Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
        Resource: `${CLUSTER_GROUP_PREFIX}*`,
      }),
    ]);
  });

  it("scopes the group permissions to the named consumer groups when they are given", () => {
    const t = template(mskIam({ consumerGroupId: `eventbridge-\${topic}` }));
    expect(statementsWith(t, "kafka-cluster:AlterGroup")[0]?.Resource).toEqual([
      `${CLUSTER_GROUP_PREFIX}eventbridge-orders`,
      `${CLUSTER_GROUP_PREFIX}eventbridge-customers`,
    ]);
  });

  it("grants cluster discovery and the VPC network interface actions the mapping needs", () => {
    const t = template(mskIam());
    expect(statementsWith(t, "kafka:GetBootstrapBrokers")).toEqual([
      expect.objectContaining({
        Action: ["kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"],
        Resource: CLUSTER_ARN,
      }),
    ]);
    expect(statementsWith(t, "ec2:CreateNetworkInterface")[0]?.Resource).toBe("*");
  });

  it("uses SASL/SCRAM-512 with the secret given as authSecretArn and reads only that secret", () => {
    const t = template(mskIam({ authSecretArn: SECRET_ARN }));
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      SourceAccessConfigurations: [{ Type: "SASL_SCRAM_512_AUTH", URI: SECRET_ARN }],
    });
    expect(statementsWith(t, "secretsmanager:GetSecretValue")).toEqual([
      expect.objectContaining({ Resource: SECRET_ARN }),
    ]);
    expect(statementsWith(t, "kafka-cluster:Connect")).toEqual([]);
  });

  it("uses mTLS with the client certificate secret", () => {
    const t = template(mskIam({ auth: "mtls", authSecretArn: SECRET_ARN }));
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      SourceAccessConfigurations: [{ Type: "CLIENT_CERTIFICATE_TLS_AUTH", URI: SECRET_ARN }],
    });
    expect(statementsWith(t, "kafka-cluster:Connect")).toEqual([]);
  });
});

describe("self-managed source", () => {
  it("connects to the bootstrap servers with SASL/SCRAM-512 by default", () => {
    const t = template(selfManaged());
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      SelfManagedEventSource: {
        Endpoints: { KafkaBootstrapServers: ["b-1.kafka.example.com:9096", "b-2.kafka.example.com:9096"] },
      },
      EventSourceArn: Match.absent(),
      Topics: ["orders"],
      SourceAccessConfigurations: Match.arrayWith([{ Type: "SASL_SCRAM_512_AUTH", URI: SECRET_ARN }]),
    });
  });

  it.each([
    ["scram-256", "SASL_SCRAM_256_AUTH"],
    ["plain", "BASIC_AUTH"],
    ["mtls", "CLIENT_CERTIFICATE_TLS_AUTH"],
  ] as const)("maps auth %s to %s", (auth, type) => {
    const t = template(selfManaged({ auth }));
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      SourceAccessConfigurations: Match.arrayWith([{ Type: type, URI: SECRET_ARN }]),
    });
  });

  it("reaches the brokers through the given subnets and security group", () => {
    const t = template(selfManaged());
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      SourceAccessConfigurations: Match.arrayWith([
        { Type: "VPC_SUBNET", URI: `subnet:${SUBNETS[0]}` },
        { Type: "VPC_SUBNET", URI: `subnet:${SUBNETS[1]}` },
        { Type: "VPC_SECURITY_GROUP", URI: `security_group:${SECURITY_GROUP}` },
      ]),
    });
    expect(statementsWith(t, "ec2:CreateNetworkInterface")).toHaveLength(1);
  });

  it("grants no network interface actions when the brokers are reached over the internet", () => {
    const t = template(selfManaged({ subnetIds: undefined, securityGroupId: undefined }));
    expect(statementsWith(t, "ec2:CreateNetworkInterface")).toEqual([]);
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      SourceAccessConfigurations: [{ Type: "SASL_SCRAM_512_AUTH", URI: SECRET_ARN }],
    });
  });

  it("trusts a private root CA and reads its secret", () => {
    const t = template(selfManaged({ rootCaSecretArn: CA_SECRET_ARN }));
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      SourceAccessConfigurations: Match.arrayWith([
        { Type: "SERVER_ROOT_CA_CERTIFICATE", URI: CA_SECRET_ARN },
      ]),
    });
    const secrets = statementsWith(t, "secretsmanager:GetSecretValue").map((s) => s.Resource);
    expect(secrets).toEqual(expect.arrayContaining([SECRET_ARN, CA_SECRET_ARN]));
  });

  it("connects without authentication inside a VPC", () => {
    const t = template(selfManaged({ authSecretArn: undefined }));
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      SourceAccessConfigurations: [
        { Type: "VPC_SUBNET", URI: `subnet:${SUBNETS[0]}` },
        { Type: "VPC_SUBNET", URI: `subnet:${SUBNETS[1]}` },
        { Type: "VPC_SECURITY_GROUP", URI: `security_group:${SECURITY_GROUP}` },
      ],
    });
    expect(statementsWith(t, "secretsmanager:GetSecretValue")).toEqual([]);
  });

  it("grants no MSK permissions", () => {
    const t = template(selfManaged());
    expect(statementsWith(t, "kafka:GetBootstrapBrokers")).toEqual([]);
    expect(statementsWith(t, "kafka-cluster:Connect")).toEqual([]);
  });
});

describe("secrets under a customer managed key", () => {
  const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  it("may decrypt the auth secret with that key only", () => {
    const t = template(mskIam({ authSecretArn: SECRET_ARN, authSecretKmsKeyArn: key }));
    expect(statementsWith(t, "kms:Decrypt")).toEqual([
      expect.objectContaining({ Action: "kms:Decrypt", Resource: key }),
    ]);
  });

  it("grants no KMS access without that option", () => {
    expect(statementsWith(template(mskIam({ authSecretArn: SECRET_ARN })), "kms:Decrypt")).toEqual([]);
  });
});
