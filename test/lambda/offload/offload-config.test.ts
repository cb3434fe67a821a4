import { describe, expect, it } from "vitest";
import { checkConfig, loadConfig } from "../../../lambda/config";
import { ENV } from "../../../lambda/env-names";
import type { ConfigError } from "../../../lambda/errors";

const REQUIRED = {
  CONNECTOR_ID: "orders-sink",
  EVENT_BUS_ARN: "arn:aws:events:eu-west-3:123456789012:event-bus/orders-bus",
} as const;

function problems(env: Record<string, string>): ConfigError[] {
  return [...checkConfig({ ...REQUIRED, ...env }).problems];
}

describe("loadConfig: OFFLOAD_*", () => {
  it("leaves offloading off without OFFLOAD_S3_BUCKET", () => {
    expect(loadConfig(REQUIRED).offload).toBeUndefined();
  });

  it("turns offloading on with OFFLOAD_S3_BUCKET, with the defaults of SPEC §9", () => {
    const config = loadConfig({ ...REQUIRED, OFFLOAD_S3_BUCKET: "claim-checks" });
    expect(config.offload).toEqual({
      bucket: "claim-checks",
      prefix: "",
      thresholdBytes: 1_048_575,
      path: { text: "$.detail.value", segments: ["detail", "value"] },
    });
    expect(Object.isFrozen(config.offload)).toBe(true);
  });

  it("takes the threshold default from MAX_REQUEST_BYTES", () => {
    const config = loadConfig({
      ...REQUIRED,
      OFFLOAD_S3_BUCKET: "claim-checks",
      MAX_REQUEST_BYTES: "262144",
    });
    expect(config.offload?.thresholdBytes).toBe(262_144);
  });

  it("reads prefix, threshold 0 and a custom path", () => {
    const config = loadConfig({
      ...REQUIRED,
      OFFLOAD_S3_BUCKET: "claim.checks-1",
      OFFLOAD_S3_PREFIX: "kafka/large/",
      OFFLOAD_THRESHOLD_BYTES: "0",
      OFFLOAD_JSONPATH: "$.detail.value['order items'][2].blob",
    });
    expect(config.offload).toMatchObject({
      bucket: "claim.checks-1",
      prefix: "kafka/large/",
      thresholdBytes: 0,
      path: { segments: ["detail", "value", "order items", 2, "blob"] },
    });
  });

  it.each([
    "Claim-Checks",
    "ab",
    "my_bucket",
    "-bucket",
    "bucket-",
    "a..b",
    "192.168.5.4",
    "xn--bucket",
    "sthree-bucket",
    "my-bucket-s3alias",
    "my-bucket--ol-s3",
    "arn:aws:s3:::claim-checks",
    "s3://claim-checks",
    "x".repeat(64),
  ])("rejects the bucket name %s", (bucket) => {
    const [problem] = problems({ OFFLOAD_S3_BUCKET: bucket });
    expect(problem?.variable).toBe(ENV.offloadS3Bucket);
    expect(problem?.message).toMatch(/an S3 bucket name/);
  });

  it.each([
    ["-1", /an integer from 0 to 1048575/],
    ["12kb", /an integer from 0 to 1048575/],
    ["1048576", /MAX_REQUEST_BYTES/],
  ])("rejects OFFLOAD_THRESHOLD_BYTES=%s", (value, message) => {
    const [problem] = problems({ OFFLOAD_S3_BUCKET: "claim-checks", OFFLOAD_THRESHOLD_BYTES: value });
    expect(problem?.variable).toBe(ENV.offloadThresholdBytes);
    expect(problem?.message).toMatch(message);
  });

  it("rejects a threshold above a lowered MAX_REQUEST_BYTES", () => {
    const [problem] = problems({
      OFFLOAD_S3_BUCKET: "claim-checks",
      MAX_REQUEST_BYTES: "262144",
      OFFLOAD_THRESHOLD_BYTES: "300000",
    });
    expect(problem?.message).toMatch(/from 0 to 262144/);
  });

  it.each([
    "detail.value",
    "$",
    "$.detail",
    "$.detail.key",
    "$.detail.topic",
    "$.other.value",
    "$.detail.value.*",
    "$.detail.value[*]",
    "$..value",
    "$.detail..value",
    "$.detail.value[?(@.big)]",
    "$.detail.value[0:2]",
    "$.detail.value[0,1]",
    "$.detail.value[",
    "$.detail.value.",
    "$.detail.value['open",
  ])("rejects OFFLOAD_JSONPATH=%s, naming what is allowed", (path) => {
    const [problem] = problems({ OFFLOAD_S3_BUCKET: "claim-checks", OFFLOAD_JSONPATH: path });
    expect(problem?.variable).toBe(ENV.offloadJsonPath);
    expect(problem?.message).toMatch(/a definite JSONPath at or under \$\.detail\.value/);
  });

  it.each([
    ["/kafka/", /leading "\/"/],
    ["k".repeat(513), /at most 512 bytes/],
    ["kafka\u0001/", /control characters/],
  ])("rejects OFFLOAD_S3_PREFIX=%j", (prefix, message) => {
    const [problem] = problems({ OFFLOAD_S3_BUCKET: "claim-checks", OFFLOAD_S3_PREFIX: prefix });
    expect(problem?.variable).toBe(ENV.offloadS3Prefix);
    expect(problem?.message).toMatch(message);
  });

  it.each([ENV.offloadS3Prefix, ENV.offloadThresholdBytes, ENV.offloadJsonPath])(
    "asks for OFFLOAD_S3_BUCKET when %s is set alone, since it would do nothing",
    (name) => {
      const value = name === ENV.offloadJsonPath ? "$.detail.value" : "1";
      const [problem] = problems({ [name]: value });
      expect(problem?.variable).toBe(ENV.offloadS3Bucket);
      expect(problem?.message).toContain(`since ${name} is set`);
    },
  );

  it("reports every OFFLOAD_* problem at once", () => {
    const found = problems({
      OFFLOAD_S3_BUCKET: "Bad_Bucket",
      OFFLOAD_THRESHOLD_BYTES: "lots",
      OFFLOAD_JSONPATH: "$.detail.key",
    }).map((problem) => problem.variable);
    expect(found).toEqual([ENV.offloadS3Bucket, ENV.offloadThresholdBytes, ENV.offloadJsonPath]);
  });
});
