import { describe, expect, it } from "vitest";
import { resolveOptions } from "../../infra/options";
import { ENV } from "../../lambda/env-names";
import { mskIam, statementsWith, template } from "./synth";

describe("claim-check options", () => {
  it.each([
    [
      "both an existing and a created bucket",
      { offloadS3Bucket: "b-1", createOffloadBucket: true },
      /not both/,
    ],
    [
      "an expiry for an existing bucket",
      { offloadS3Bucket: "claim-checks", offloadExpirationDays: 7 },
      /createOffloadBucket creates/,
    ],
    [
      "a prefix without a bucket",
      { offloadS3Prefix: "kafka/" },
      /offloadS3Prefix \(OFFLOAD_S3_PREFIX\) is set but offloading is off/,
    ],
    [
      "a threshold without a bucket",
      { offloadThresholdBytes: 0 },
      /offloadThresholdBytes \(OFFLOAD_THRESHOLD_BYTES\) is set/,
    ],
    [
      "a bucket name S3 rejects",
      { offloadS3Bucket: "Claim_Checks" },
      /offloadS3Bucket \(OFFLOAD_S3_BUCKET\) must be an S3 bucket name/,
    ],
    [
      "an expiry of zero days",
      { createOffloadBucket: true, offloadExpirationDays: 0 },
      /offloadExpirationDays must be an integer from 1/,
    ],
  ])("rejects %s", (_, extra, message) => {
    expect(() => resolveOptions({ ...mskIam(), ...(extra as object) })).toThrow(message);
  });
});

describe("claim-check bucket", () => {
  const created = mskIam({
    createOffloadBucket: true,
    offloadS3Prefix: "kafka/",
    offloadThresholdBytes: 262_144,
  });

  it("creates a bucket encrypted, private, TLS-only, expiring objects after 30 days by default", () => {
    const t = template(created);
    t.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, Status: "Enabled" }] },
    });
    t.hasResource("AWS::S3::Bucket", { DeletionPolicy: "Retain" });
    t.hasOutput("OffloadBucketName", {});
    const policy = Object.values(t.findResources("AWS::S3::BucketPolicy"))[0];
    expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });

  it("expires objects after the days given", () => {
    template(mskIam({ createOffloadBucket: true, offloadExpirationDays: 7 })).hasResourceProperties(
      "AWS::S3::Bucket",
      { LifecycleConfiguration: { Rules: [{ ExpirationInDays: 7, Status: "Enabled" }] } },
    );
  });

  it("points the function at the created bucket and may put objects under the prefix only", () => {
    const t = template(created);
    const [bucket] = Object.keys(t.findResources("AWS::S3::Bucket"));
    const fn = Object.values(t.findResources("AWS::Lambda::Function"))[0];
    expect(fn?.Properties.Environment.Variables).toMatchObject({
      [ENV.offloadS3Bucket]: { Ref: bucket },
      [ENV.offloadS3Prefix]: "kafka/",
      [ENV.offloadThresholdBytes]: "262144",
    });
    expect(statementsWith(t, "s3:PutObject")).toEqual([
      expect.objectContaining({
        Action: "s3:PutObject",
        Resource: { "Fn::Join": ["", [{ "Fn::GetAtt": [bucket, "Arn"] }, "/kafka/*"]] },
      }),
    ]);
  });

  it("takes an existing bucket by name, granting PutObject under the prefix only", () => {
    const t = template(
      mskIam({
        offloadS3Bucket: "claim-checks",
        offloadS3Prefix: "kafka/",
        offloadJsonPath: "$.detail.value.payload",
      }),
    );
    t.resourceCountIs("AWS::S3::Bucket", 0);
    const [statement] = statementsWith(t, "s3:PutObject");
    expect(JSON.stringify(statement?.Resource)).toContain(":s3:::claim-checks/kafka/*");
    const fn = Object.values(t.findResources("AWS::Lambda::Function"))[0];
    expect(fn?.Properties.Environment.Variables).toMatchObject({
      [ENV.offloadS3Bucket]: "claim-checks",
      [ENV.offloadJsonPath]: "$.detail.value.payload",
    });
  });
});
