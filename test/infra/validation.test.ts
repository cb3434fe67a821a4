import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../infra/options";
import { CA_SECRET_ARN, CLUSTER_ARN, mskIam, SECRET_ARN, SUBNETS, selfManaged } from "./synth";

describe("option validation", () => {
  it.each([
    ["both mskClusterArn and bootstrapServers", { ...mskIam(), bootstrapServers: ["b:9092"] }, /not both/],
    [
      "neither mskClusterArn nor bootstrapServers",
      { ...mskIam(), mskClusterArn: undefined },
      /Give either mskClusterArn/,
    ],
    [
      "a malformed cluster ARN",
      mskIam({ mskClusterArn: "arn:aws:kafka:us-east-1:123:cluster/x" }),
      /mskClusterArn must be an ARN/,
    ],
    [
      "a topic ARN as cluster ARN",
      mskIam({ mskClusterArn: CLUSTER_ARN.replace("cluster/", "topic/") }),
      /mskClusterArn/,
    ],
    [
      "a malformed bus ARN",
      mskIam({ eventBusArn: "arn:aws:sqs:us-east-1:123456789012:q" }),
      /eventBusArn must be an ARN/,
    ],
    ["a malformed secret ARN", mskIam({ authSecretArn: "my-secret" }), /authSecretArn must be an ARN/],
    [
      "a malformed KMS key ARN",
      mskIam({ authSecretArn: SECRET_ARN, authSecretKmsKeyArn: "alias/x" }),
      /authSecretKmsKeyArn must be an ARN/,
    ],
    [
      "a KMS key without a secret",
      mskIam({ authSecretKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" }),
      /no authSecretArn/,
    ],
    ["a malformed alarm topic ARN", mskIam({ alarmTopicArn: "ops" }), /alarmTopicArn must be an ARN/],
    ["an empty topic list", mskIam({ topics: [] }), /topics must list at least one topic/],
    ["a repeated topic", mskIam({ topics: ["a", "a"] }), /must not repeat/],
    ["an illegal topic name", mskIam({ topics: ["orders/eu"] }), /topic names Lambda accepts/],
    [
      "a one-character topic name, which Lambda rejects",
      mskIam({ topics: ["a"] }),
      /topic names Lambda accepts/,
    ],
    ["a topic name with a leading dot", mskIam({ topics: [".orders"] }), /topic names Lambda accepts/],
    ["a host without port", selfManaged({ bootstrapServers: ["broker.example.com"] }), /host:port/],
    ["an empty broker list", selfManaged({ bootstrapServers: [] }), /at least one host:port/],
    ["subnets without a security group", selfManaged({ securityGroupId: undefined }), /go together/],
    ["a malformed subnet", selfManaged({ subnetIds: ["vpc-123"] }), /subnet-<hex>/],
    [
      "no secret and no VPC for self-managed",
      selfManaged({ authSecretArn: undefined, subnetIds: undefined, securityGroupId: undefined }),
      /needs authSecretArn/,
    ],
    [
      "SCRAM-256 on MSK",
      mskIam({ auth: "scram-256", authSecretArn: SECRET_ARN }),
      /not available for an MSK cluster/,
    ],
    [
      "IAM auth on self-managed Kafka",
      selfManaged({ auth: "iam", authSecretArn: undefined }),
      /not available for self-managed/,
    ],
    ["mTLS without a secret", mskIam({ auth: "mtls" }), /needs authSecretArn/],
    ["a secret with IAM auth", mskIam({ auth: "iam", authSecretArn: SECRET_ARN }), /does not use a secret/],
    ["a root CA on MSK", mskIam({ rootCaSecretArn: CA_SECRET_ARN }), /self-managed Kafka only/],
    ["subnets on MSK", mskIam({ subnetIds: SUBNETS }), /self-managed Kafka only/],
    [
      "one consumer group for several topics",
      mskIam({ consumerGroupId: "shared" }),
      /must contain \$\{topic\}/,
    ],
    [
      "an illegal consumer group",
      mskIam({ topics: ["orders"], consumerGroupId: "a b" }),
      /consumerGroupId must match/,
    ],
    ["an unknown destination", mskIam({ onFailure: "sns" }), /onFailure must be sqs, s3 or kafka:<topic>/],
    [
      "a source topic as destination",
      mskIam({ onFailure: "kafka:orders" }),
      /must not be one of the source topics/,
    ],
    ["a timestamp without AT_TIMESTAMP", mskIam({ startingPositionTimestamp: 1 }), /only allowed with/],
    ["AT_TIMESTAMP without a timestamp", mskIam({ startingPosition: "AT_TIMESTAMP" }), /required with/],
    [
      "an unknown starting position",
      mskIam({ startingPosition: "EARLIEST" as "LATEST" }),
      /startingPosition must be one of/,
    ],
    [
      "retries out of range",
      mskIam({ retryAttempts: 10_001 }),
      /retryAttempts must be an integer from 0 to 10000 or -1/,
    ],
    ["a record age under a minute", mskIam({ maxRecordAgeSeconds: 30 }), /maxRecordAgeSeconds/],
    ["a batch of zero", mskIam({ batchSize: 0 }), /batchSize/],
    ["a batching window over 300 s", mskIam({ maxBatchingWindowSeconds: 301 }), /maxBatchingWindowSeconds/],
    [
      "more minimum than maximum pollers",
      mskIam({ minimumPollers: 5, maximumPollers: 2 }),
      /must not exceed/,
    ],
    [
      "both an alarm topic and an e-mail",
      mskIam({ alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:ops", alarmEmail: "a@b.c" }),
      /not both/,
    ],
    [
      "an unknown removal policy",
      mskIam({ deadLetterQueueRemovalPolicy: "keep" as "retain" }),
      /deadLetterQueueRemovalPolicy must be one of retain, destroy/,
    ],
    [
      "a negative alarm threshold",
      mskIam({ reportedFailedAlarmThreshold: -1 }),
      /reportedFailedAlarmThreshold must be an integer/,
    ],
  ])("rejects %s", (_, props, message) => {
    expect(() => resolveOptions(props)).toThrow(message);
  });

  it.each([
    ["partialBatchResponse", { partialBatchResponse: true }],
    ["retryAttempts", { retryAttempts: 2 }],
    ["maxRecordAgeSeconds", { maxRecordAgeSeconds: 600 }],
    ["bisectBatchOnError", { bisectBatchOnError: true }],
    ["onFailure kafka:<topic>", { onFailure: "kafka:dlt" }],
    ["minimumPollers", { minimumPollers: 2 }],
    ["mappingSchemaRegistry", { mappingSchemaRegistry: { uri: "https://registry.example.com" } }],
  ])("rejects %s without provisioned pollers", (name, extra) => {
    expect(() => resolveOptions(mskIam({ provisionedPollers: false, ...extra }))).toThrow(
      new RegExp(`${name.replace(/[<>]/g, ".")}.* need provisioned pollers`),
    );
  });

  it("accepts an S3 or SQS destination without provisioned pollers", () => {
    expect(resolveOptions(mskIam({ provisionedPollers: false, onFailure: "s3" })).onFailure).toEqual({
      kind: "s3",
    });
  });
});
