import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { ENV } from "../../lambda/env-names";
import { mskIam, selfManaged, template } from "./synth";

const mappings = (t: ReturnType<typeof template>) =>
  Object.values(t.findResources("AWS::Lambda::EventSourceMapping")).map((r) => r.Properties);

describe("mapping defaults", () => {
  it("runs provisioned pollers with partial batch response and finite retries on every mapping", () => {
    const all = mappings(template(mskIam()));
    expect(all).toHaveLength(2);
    for (const mapping of all) {
      expect(mapping).toMatchObject({
        ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 200 },
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        MaximumRetryAttempts: 10,
        BatchSize: 100,
        StartingPosition: "LATEST",
        Enabled: true,
      });
      expect(mapping.MaximumRecordAgeInSeconds).toBeUndefined();
      expect(mapping.BisectBatchOnFunctionError).toBeUndefined();
    }
  });

  it("tells the function to answer with a partial batch response", () => {
    template(mskIam()).hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ [ENV.partialBatchResponse]: "true" }) },
    });
  });
});

describe("mapping options", () => {
  const tuned = mskIam({
    minimumPollers: 2,
    maximumPollers: 12,
    pollerGroupName: "sinks",
    retryAttempts: 3,
    maxRecordAgeSeconds: 3600,
    bisectBatchOnError: true,
    batchSize: 500,
    maxBatchingWindowSeconds: 5,
    consumerGroupId: `eventbridge-\${topic}`,
    filters: [{ value: { type: ["order"] } }],
  });

  it("passes pollers, retries, record age, bisect, batch size and window to each mapping", () => {
    template(tuned).hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      Topics: ["orders"],
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 12, PollerGroupName: "sinks" },
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
    });
  });

  it(`gives each mapping its own consumer group from the \${topic} template`, () => {
    const t = template(tuned);
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      Topics: ["orders"],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: "eventbridge-orders" },
    });
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      Topics: ["customers"],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: "eventbridge-customers" },
    });
  });

  it("sets the consumer group of a self-managed mapping in its own configuration block", () => {
    template(selfManaged({ consumerGroupId: "legacy-connect-group" })).hasResourceProperties(
      "AWS::Lambda::EventSourceMapping",
      { SelfManagedKafkaEventSourceConfig: { ConsumerGroupId: "legacy-connect-group" } },
    );
  });

  it("serializes each filter as an ESM filter pattern", () => {
    template(tuned).hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ value: { type: ["order"] } }) }] },
    });
  });

  it("starts at a timestamp when asked", () => {
    template(
      mskIam({ startingPosition: "AT_TIMESTAMP", startingPositionTimestamp: 1_767_225_600 }),
    ).hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      StartingPosition: "AT_TIMESTAMP",
      StartingPositionTimestamp: 1_767_225_600,
    });
  });

  it("starts from the oldest record with TRIM_HORIZON", () => {
    template(mskIam({ startingPosition: "TRIM_HORIZON" })).hasResourceProperties(
      "AWS::Lambda::EventSourceMapping",
      {
        StartingPosition: "TRIM_HORIZON",
      },
    );
  });

  it("accepts infinite retries and record age as -1", () => {
    template(mskIam({ retryAttempts: -1, maxRecordAgeSeconds: -1 })).hasResourceProperties(
      "AWS::Lambda::EventSourceMapping",
      { MaximumRetryAttempts: -1, MaximumRecordAgeInSeconds: -1 },
    );
  });

  it("creates disabled mappings when enabled is false", () => {
    template(mskIam({ enabled: false })).hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      Enabled: false,
    });
  });
});

describe("without provisioned pollers", () => {
  const onDemand = mskIam({ provisionedPollers: false });

  it("leaves out the provisioned-only settings and whole-batch retries stay the function's answer", () => {
    for (const mapping of mappings(template(onDemand))) {
      expect(mapping.ProvisionedPollerConfig).toBeUndefined();
      expect(mapping.FunctionResponseTypes).toBeUndefined();
      expect(mapping.MaximumRetryAttempts).toBeUndefined();
    }
    template(onDemand).hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ [ENV.partialBatchResponse]: "false" }) },
    });
  });

  it("can turn partial batch response off in provisioned mode too, on both sides", () => {
    const t = template(mskIam({ partialBatchResponse: false }));
    for (const mapping of mappings(t)) expect(mapping.FunctionResponseTypes).toBeUndefined();
    t.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ [ENV.partialBatchResponse]: "false" }) },
    });
  });
});
