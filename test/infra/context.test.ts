import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertKnownContextKeys, CONTEXT_OPTION_NAMES, propsFromContext } from "../../infra/context";
import { HANDLER_SETTING_ROLES } from "../../infra/handler-settings";
import { DEFAULTS } from "../../infra/options";
import { ENV } from "../../lambda/env-names";

const fromContext = (values: Record<string, unknown>) => propsFromContext((name) => values[name]);

describe("context", () => {
  it("reads the one-command example: cluster, comma-separated topics and bus", () => {
    expect(
      fromContext({
        mskClusterArn: "arn:aws:kafka:us-east-1:123456789012:cluster/c/u",
        topics: "orders, customers",
        eventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/b",
        connectorId: "sink",
      }),
    ).toEqual({
      mskClusterArn: "arn:aws:kafka:us-east-1:123456789012:cluster/c/u",
      topics: ["orders", "customers"],
      eventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/b",
      connectorId: "sink",
    });
  });

  it("parses numbers, booleans, lists and JSON from -c strings and keeps cdk.json values as they are", () => {
    expect(
      fromContext({
        bootstrapServers: "b1:9096,b2:9096",
        subnetIds: ["subnet-a", "subnet-b"],
        batchSize: "500",
        retryAttempts: -1,
        provisionedPollers: "false",
        bisectBatchOnError: true,
        filters: '[{"value":{"type":["order"]}}]',
      }),
    ).toMatchObject({
      bootstrapServers: ["b1:9096", "b2:9096"],
      subnetIds: ["subnet-a", "subnet-b"],
      batchSize: 500,
      retryAttempts: -1,
      provisionedPollers: false,
      bisectBatchOnError: true,
      filters: [{ value: { type: ["order"] } }],
    });
  });

  it("reads every handler setting under its role name, passing text the loader must judge on as text", () => {
    const values = Object.fromEntries(HANDLER_SETTING_ROLES.map((role) => [role, `${role}-value`]));
    const props = fromContext(values) as unknown as Record<string, unknown>;
    for (const role of HANDLER_SETTING_ROLES) {
      expect(props[role]).toEqual(role === "eventResources" ? [`${role}-value`] : `${role}-value`);
    }
    expect(fromContext({ maxConcurrency: "32", logRecordPayloads: "TRUE" })).toMatchObject({
      maxConcurrency: 32,
      logRecordPayloads: true,
    });
  });

  it("offers every ENV variable as an option under its role name, except the DLQ URL of the queue it creates", () => {
    const missing = (Object.keys(ENV) as (keyof typeof ENV)[]).filter(
      (role) => !CONTEXT_OPTION_NAMES.includes(role),
    );
    expect(missing.map((role) => ENV[role])).toEqual(["DLQ_URL"]);
  });

  it("fails on an unknown context key with the closest option", () => {
    expect(() => assertKnownContextKeys(["topics", "batchsize"])).toThrow(
      "unknown context key `batchsize`; did you mean `batchSize`?",
    );
    expect(() => assertKnownContextKeys(["detailType"])).toThrow("did you mean `detailTypes`?");
  });

  it("accepts the app's and the CDK's own keys", () => {
    expect(() =>
      assertKnownContextKeys([
        "stackName",
        "nag",
        "aws:cdk:enable-asset-metadata",
        "@aws-cdk/core:newStyleStackSynthesis",
        "availability-zones:account=123456789012:region=us-east-1",
        ...CONTEXT_OPTION_NAMES,
      ]),
    ).not.toThrow();
  });

  it("reports every malformed deployment option at once", () => {
    expect(() => fromContext({ batchSize: "lots", enabled: "yes" })).toThrow(
      /batchSize must be an integer.*\n.*enabled must be true or false/,
    );
  });

  it.each([
    ["batchSize", "lots", /Context batchSize must be an integer/],
    ["enabled", "yes", /Context enabled must be true or false/],
    ["filters", "{oops", /Context filters must be JSON/],
  ])("rejects %s=%s", (name, value, message) => {
    expect(() => fromContext({ [name]: value })).toThrow(message);
  });

  it("documents in cdk.json the same defaults the construct applies", () => {
    const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "cdk.json"), "utf8"));
    const documented = Object.entries(cdkJson.context).filter(([name]) => name in DEFAULTS);
    expect(documented.length).toBeGreaterThan(5);
    for (const [name, value] of documented) expect(value).toBe(DEFAULTS[name as keyof typeof DEFAULTS]);
    for (const name of Object.keys(cdkJson.context)) {
      expect([...CONTEXT_OPTION_NAMES, "stackName"]).toContain(name);
    }
  });
});
