// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} is the connector's DETAIL_TYPES placeholder, not a template literal
import { describe, expect, it } from "vitest";
import {
  checkSettings,
  detailTypeWarnings,
  formatReport,
  renderSample,
  settingsFromContext,
} from "../../tooling/config-check/config-report";
import { kafkaRecord } from "../../tooling/kafka-records";

const valid = {
  CONNECTOR_ID: "orders-sink",
  EVENT_BUS_ARN: "arn:aws:events:eu-west-1:123456789012:event-bus/orders",
};

describe("checkSettings", () => {
  it("reports every problem at once: the loader's, and unknown names with the closest known one", () => {
    const report = checkSettings({
      CONNECTOR_ID: "",
      EVENT_BUS_ARN: "arn:aws:events:eu-west-1:123:event-bus/x",
      MAX_CONCURRENCY: "0",
      VALUE_FORMT: "json",
      DEAD_LETTER_URL: "x",
      AWS_REGION: "eu-west-1",
    });
    expect(report.problems).toEqual([
      expect.stringMatching(/^CONNECTOR_ID is required/),
      expect.stringMatching(/^EVENT_BUS_ARN=.* is invalid/),
      expect.stringMatching(/^MAX_CONCURRENCY="0" is invalid/),
    ]);
    expect(report.unknown).toEqual([
      { name: "VALUE_FORMT", suggestion: "VALUE_FORMAT" },
      { name: "DEAD_LETTER_URL", suggestion: undefined },
    ]);
    expect(report.config).toBeUndefined();
  });

  it("in a whole process environment only near misses of the function's names count", () => {
    const report = checkSettings(
      { ...valid, PATH: "/bin", HOME: "/root", DETAIL_TYPE: "x" },
      { onlyLikelyNames: true },
    );
    expect(report.unknown).toEqual([{ name: "DETAIL_TYPE", suggestion: "DETAIL_TYPES" }]);
  });

  it("prints the effective configuration, marking defaults", () => {
    const report = checkSettings({ ...valid, RETRIES_MAX: "5", KEY_FORMAT: "json,logs:string" });
    const rows = new Map(report.effective.map((row) => [row.name, row]));
    expect(rows.get("RETRIES_MAX")).toEqual({ name: "RETRIES_MAX", value: "5", isDefault: false });
    expect(rows.get("RETRY_DELAY_MS")).toEqual({ name: "RETRY_DELAY_MS", value: "200", isDefault: true });
    expect(rows.get("EVENT_SOURCE")?.value).toBe("kafka-connect.orders-sink");
    expect(rows.get("KEY_FORMAT")?.value).toBe("json,logs:string");
    expect(formatReport(report)).toMatch(/ {2}RETRY_DELAY_MS +200 {2}\(default\)/);
  });

  it("warns about a bad LOG_LEVEL and payload logging that cannot take effect", () => {
    const { warnings } = checkSettings({ ...valid, LOG_LEVEL: "VERBOSE", LOG_RECORD_PAYLOADS: "true" });
    expect(warnings).toEqual([
      expect.stringMatching(/LOG_LEVEL="VERBOSE"/),
      expect.stringMatching(/LOG_RECORD_PAYLOADS/),
    ]);
  });
});

describe("detailTypeWarnings", () => {
  it.each([
    ["orders-{topic}", "{topic}"],
    ["orders-$topic", "$topic"],
    ["orders-${Topic}", "${Topic}"],
    ["orders-${ topic }", "${ topic }"],
    ["orders-$(topic)", "$(topic)"],
  ])("flags %s", (text, found) => {
    expect(detailTypeWarnings(text)).toEqual([expect.stringContaining(`contains ${found}`)]);
  });

  it("accepts the connector's forms", () => {
    for (const text of ["kafka-connect-${topic}", "${topic}", "static", "orders:Order,customers:Customer"]) {
      expect(detailTypeWarnings(text, ["orders", "customers"])).toEqual([]);
    }
  });

  it("flags a topic that is not consumed and a detail-type over 128 characters", () => {
    expect(detailTypeWarnings("order:Order", ["orders"])).toEqual([expect.stringMatching(/topic "order"/)]);
    expect(detailTypeWarnings(`${"x".repeat(120)}-\${topic}`, ["a-long-topic"])).toEqual([
      expect.stringMatching(/longer than PutEvents' 128/),
    ]);
  });
});

describe("settingsFromContext", () => {
  it("checks deployment options with the CDK app's rules and unknown keys with a hint", () => {
    const result = settingsFromContext({
      context: {
        topics: "orders",
        connectorId: "c",
        bootstrapServers: "h:9092",
        onFailure: "kafka:orders",
        batchSise: 10,
      },
    });
    expect(result.problems).toEqual([
      expect.stringMatching(/Self-managed Kafka without a VPC|must not be one of the source topics/),
    ]);
    expect(result.unknown).toEqual([{ name: "batchSise", suggestion: "batchSize" }]);
  });

  it("builds the function's environment as the construct does, derived values included", () => {
    const result = settingsFromContext({
      mskClusterArn:
        "arn:aws:kafka:us-east-1:123456789012:cluster/demo/abcd1234-ab12-cd34-ef56-abcdef123456-1",
      topics: "orders",
      connectorId: "c",
      detailTypes: "t-${topic}",
    });
    expect(result.problems).toEqual([]);
    expect(result.env).toMatchObject({
      CONNECTOR_ID: "c",
      DETAIL_TYPES: "t-${topic}",
      PARTIAL_BATCH_RESPONSE: "true",
    });
    expect(checkSettings(result.env).problems).toEqual([]);
  });
});

describe("renderSample", () => {
  const config = checkSettings({ ...valid, EVENT_RESOURCES: "arn:r", DETAIL_TYPES: "t-${topic}" }).config;
  if (config === undefined) throw new Error("valid settings expected");

  it("renders the exact entry the function would send", () => {
    const rendered = renderSample(
      config,
      kafkaRecord({ topic: "orders", key: "k", value: '{"n":1234567890123456789}' }),
    );
    expect(rendered).toMatchObject({
      kind: "entry",
      entry: { Source: "kafka-connect.orders-sink", DetailType: "t-orders", Resources: ["arn:r"] },
      billedEvents: 1,
    });
    if (rendered.kind === "entry")
      expect(rendered.entry.Detail).toContain('"value":{"n":1234567890123456789}');
  });

  it("says why a record would be dead-lettered", () => {
    expect(renderSample(config, kafkaRecord({ value: "{not json" }))).toMatchObject({
      kind: "poison",
      code: "InvalidJson",
    });
    const small = checkSettings({ ...valid, MAX_REQUEST_BYTES: "1024" }).config;
    if (small === undefined) throw new Error("valid settings expected");
    expect(renderSample(small, kafkaRecord({ value: { blob: "x".repeat(2000) } }))).toMatchObject({
      kind: "poison",
      code: "EntryTooLarge",
    });
  });
});
