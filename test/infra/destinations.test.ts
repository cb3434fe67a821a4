import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import {
  CLUSTER_TOPIC_PREFIX,
  mskIam,
  policyStatements,
  selfManaged,
  statementsWith,
  template,
} from "./synth";

/** The logical ID of the one resource of the type whose construct ID is `name`. */
const logicalIdOf = (t: ReturnType<typeof template>, type: string, name: string): string => {
  const ids = Object.keys(t.findResources(type)).filter((id) => id.startsWith(`KafkaToEventBridge${name}`));
  if (ids.length !== 1 || ids[0] === undefined)
    throw new Error(`expected one ${type} named ${name}, got ${ids}`);
  return ids[0];
};

describe("on-failure destination", () => {
  it("sends what exhausts the retries to a queue of its own by default", () => {
    const t = template(mskIam());
    const queue = logicalIdOf(t, "AWS::SQS::Queue", "OnFailureQueue");
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [queue, "Arn"] } } },
    });
    expect(statementsWith(t, "sqs:SendMessage").map((s) => s.Resource)).toContainEqual({
      "Fn::GetAtt": [queue, "Arn"],
    });
  });

  it("writes failed batches to a private encrypted bucket with s3, granting PutObject and ListBucket only", () => {
    const t = template(mskIam({ onFailure: "s3" }));
    const bucket = logicalIdOf(t, "AWS::S3::Bucket", "OnFailureBucket");
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [bucket, "Arn"] } } },
    });
    t.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({})] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    const s3Actions = policyStatements(t)
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith("s3:"));
    expect(s3Actions.sort()).toEqual(["s3:ListBucket", "s3:PutObject"]);
    t.resourceCountIs("AWS::SQS::Queue", 1);
  });

  it("writes failed records to a Kafka topic of the same cluster and may write there with IAM auth", () => {
    const t = template(mskIam({ onFailure: "kafka:orders-dlt" }));
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      DestinationConfig: { OnFailure: { Destination: "kafka://orders-dlt" } },
    });
    expect(statementsWith(t, "kafka-cluster:WriteData")).toEqual([
      expect.objectContaining({
        Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
        Resource: `${CLUSTER_TOPIC_PREFIX}orders-dlt`,
      }),
    ]);
  });

  it("needs no IAM grant for a Kafka topic of a self-managed cluster (its ACLs decide)", () => {
    const t = template(selfManaged({ onFailure: "kafka:orders-dlt" }));
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      DestinationConfig: { OnFailure: { Destination: "kafka://orders-dlt" } },
    });
    expect(statementsWith(t, "kafka-cluster:WriteData")).toEqual([]);
  });
});
