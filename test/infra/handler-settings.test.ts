import { App, CfnParameter, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { propsFromContext } from "../../infra/context";
import { KafkaToEventBridge } from "../../infra/kafka-to-eventbridge";
import type { KafkaToEventBridgeProps } from "../../infra/options";
import { ENV } from "../../lambda/env-names";
import { mskIam, synthStack } from "./synth";

/** Props as the JSON context gives them: any name, any value. */
const loose = (extra: Record<string, unknown>): KafkaToEventBridgeProps =>
  ({ ...mskIam(), ...extra }) as unknown as KafkaToEventBridgeProps;

const synthError = (props: KafkaToEventBridgeProps): string => {
  try {
    synthStack(props);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the synth succeeded");
};

describe("handler settings are validated at synth by the function's own loader", () => {
  // The cases of issue 12, then one per setting; each error names the option, the variable and the value.
  it.each<[string, Record<string, unknown>, string, string]>([
    ["too many requests in flight", { maxConcurrency: 9999 }, "maxConcurrency", '"9999"'],
    ["a negative retry count", { retriesMax: -1 }, "retriesMax", '"-1"'],
    [
      "a request budget over PutEvents' 1 MiB",
      { maxRequestBytes: 5_000_000 },
      "maxRequestBytes",
      '"5000000"',
    ],
    [
      "a filter expression as detail-type JSONPath",
      { detailTypeJsonPath: "$.items[?(@.x)]" },
      "detailTypeJsonPath",
      '"$.items[?(@.x)]"',
    ],
    ["an unterminated JSONPath as event time", { eventTime: "$.a[0" }, "eventTime", '"$.a[0"'],
    ["an empty connector id", { connectorId: " " }, "connectorId", "is not set"],
    ["an event source over 256 characters", { eventSource: "s".repeat(257) }, "eventSource", "s".repeat(257)],
    ["a detail-type list item without a type", { detailTypes: "orders:" }, "detailTypes", '"orders:"'],
    [
      "a global endpoint id that is not one",
      { globalEndpointId: "my endpoint" },
      "globalEndpointId",
      '"my endpoint"',
    ],
    ["an unknown key format", { keyFormat: "xml" }, "keyFormat", '"xml"'],
    ["an unknown value format for one topic", { valueFormat: "orders:xml" }, "valueFormat", '"orders:xml"'],
    ["a retry delay over a minute", { retryDelayMs: 60_001 }, "retryDelayMs", '"60001"'],
    ["a deadline margin over ten minutes", { deadlineMarginMs: 600_001 }, "deadlineMarginMs", '"600001"'],
    [
      "an endpoint that is not a URL",
      { eventBridgeEndpointUrl: "localhost:4566" },
      "eventBridgeEndpointUrl",
      '"localhost:4566"',
    ],
    ["a user ARN as role", { iamRoleArn: "arn:aws:iam::123456789012:user/x" }, "iamRoleArn", "user/x"],
    ["an external id without a role", { iamExternalId: "shared" }, "iamRoleArn", "is not set"],
    ["payload logging that is not a boolean", { logRecordPayloads: "yes" }, "logRecordPayloads", '"yes"'],
    ["an unknown log level", { logLevel: "LOUD" }, "logLevel", '"LOUD"'],
    ["a log level Powertools would not read", { logLevel: "debug" }, "logLevel", '"debug"'],
    [
      "more than 100 resources",
      { eventResources: Array.from({ length: 101 }, (_, i) => `r${i}`) },
      "eventResources",
      '"r0,r1,',
    ],
    [
      "a resource over 2,048 characters",
      { eventResources: ["r".repeat(2049)] },
      "eventResources",
      "r".repeat(2049),
    ],
    ["a typo in the topic placeholder", { detailTypes: "type-{topic}" }, "detailTypes", '"type-{topic}"'],
  ])("rejects %s, naming the option and the variable", (_, extra, option, shown) => {
    const message = synthError(loose(extra));
    const variable = ENV[option as keyof typeof ENV];
    expect(message).toContain(`${option} (${variable})`);
    expect(message).toContain(shown);
  });

  it("reports every problem at once", () => {
    const message = synthError(mskIam({ maxConcurrency: 9999, retriesMax: -1, eventTime: "$.a[0" }));
    expect(message).toMatch(/would reject these 3 settings/);
    expect(message).toContain("maxConcurrency (MAX_CONCURRENCY)");
    expect(message).toContain("retriesMax (RETRIES_MAX)");
    expect(message).toContain("eventTime (EVENT_TIME)");
  });

  it("rejects a context value the loader rejects, with the loader's message", () => {
    const props = propsFromContext((name) => ({ ...mskIam(), maxConcurrency: "lots" })[name]);
    expect(synthError(props)).toMatch(
      /maxConcurrency \(MAX_CONCURRENCY\) = "lots" is invalid: expected an integer/,
    );
  });

  it("checks each topic's detail-type against EventBridge's 128 characters", () => {
    const longTopic = `t${"x".repeat(120)}`;
    const message = synthError(mskIam({ topics: ["orders", longTopic] }));
    expect(message).toContain("detailTypes (DETAIL_TYPES)");
    expect(message).toContain(
      `topic "${longTopic}" gets 125`.replace("125", String(`kafka-connect-${longTopic}`.length)),
    );
    expect(message).not.toContain('topic "orders"');
    // A static detail-type the loader checks itself; a template's length depends on the topic, which only
    // the construct knows.
    expect(synthError(mskIam({ detailTypes: { orders: "T".repeat(129) } }))).toMatch(
      /detailTypes \(DETAIL_TYPES\) = "orders:T+" is invalid: expected .*"orders".* 129/,
    );
    expect(() => synthStack(mskIam({ detailTypes: { orders: "T".repeat(128) } }))).not.toThrow();
  });

  it("rejects a per-topic entry for a topic the deployment does not read", () => {
    expect(synthError(mskIam({ valueFormat: { order: "json" } }))).toMatch(
      /valueFormat \(VALUE_FORMAT\) = "order:json" names topic "order", which is not one of topics \(orders, customers\)/,
    );
    expect(synthError(mskIam({ detailTypes: "orders:A,custmers:B" }))).toMatch(/names topic "custmers"/);
  });

  it("writes typed values in the variables' own syntax", () => {
    const t = Template.fromStack(
      synthStack(
        mskIam({
          valueFormat: { "*": "json", customers: "auto" },
          detailTypes: { orders: "OrderPlaced" },
          eventResources: ["arn:aws:s3:::a", "arn:aws:s3:::b"],
          logRecordPayloads: true,
          logLevel: "DEBUG",
        }),
      ),
    );
    t.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          [ENV.valueFormat]: "json,customers:auto",
          [ENV.detailTypes]: "orders:OrderPlaced",
          [ENV.eventResources]: "arn:aws:s3:::a,arn:aws:s3:::b",
          [ENV.logRecordPayloads]: "true",
        }),
      },
    });
  });

  it("passes values known only at deploy time through unchecked", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    const stack = new Stack(app, "Tokens");
    const concurrency = new CfnParameter(stack, "Concurrency", { type: "Number" });
    const source = new CfnParameter(stack, "Source");
    const connector = new CfnParameter(stack, "Connector");
    new KafkaToEventBridge(stack, "Sink", {
      ...mskIam(),
      connectorId: connector.valueAsString,
      maxConcurrency: concurrency.valueAsNumber,
      eventSource: source.valueAsString,
    });
    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          [ENV.connectorId]: { Ref: "Connector" },
          [ENV.maxConcurrency]: { Ref: "Concurrency" },
          [ENV.eventSource]: { Ref: "Source" },
        }),
      },
    });
  });

  it("still checks the settings that are not tokens next to one that is", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    const stack = new Stack(app, "Tokens");
    const source = new CfnParameter(stack, "Source");
    expect(
      () =>
        new KafkaToEventBridge(stack, "Sink", {
          ...mskIam(),
          eventSource: source.valueAsString,
          maxConcurrency: 0,
        }),
    ).toThrow(/maxConcurrency \(MAX_CONCURRENCY\) = "0"/);
  });
});

describe("unknown options", () => {
  it("fails on an option a typo made unknown, with the closest name", () => {
    expect(synthError(loose({ batchsize: 500 }))).toBe(
      "unknown option `batchsize`; did you mean `batchSize`?",
    );
    expect(synthError(loose({ detailType: "x" }))).toContain("did you mean `detailTypes`?");
  });

  it("lists every unknown option, with no hint when nothing is close", () => {
    expect(synthError(loose({ batchsize: 1, zzzzzzzzzzzz: 2 }))).toBe(
      "unknown option `batchsize`; did you mean `batchSize`?\nunknown option `zzzzzzzzzzzz`",
    );
  });
});

describe("settings validated by the registry and offload loader", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["an unknown header format", { headerFormat: "hex" }, "headerFormat"],
    ["an unknown decimal format", { decimalFormat: "text" }, "decimalFormat"],
    [
      "a registry URL that is not a URL",
      { valueFormat: "avro", schemaRegistryUrl: "registry:8081" },
      "schemaRegistryUrl",
    ],
    ["a malformed Glue registry region", { glueRegistryRegion: "Europe" }, "glueRegistryRegion"],
    [
      "a negative offload threshold",
      { createOffloadBucket: true, offloadThresholdBytes: -1 },
      "offloadThresholdBytes",
    ],
    [
      "a malformed offload JSONPath",
      { createOffloadBucket: true, offloadJsonPath: "$.a[" },
      "offloadJsonPath",
    ],
  ])("rejects %s", (_, extra, option) => {
    expect(synthError(loose(extra))).toContain(`${option} (${ENV[option as keyof typeof ENV]})`);
  });
});
