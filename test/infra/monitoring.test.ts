import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { FUNCTION_METRICS } from "../../infra/monitoring";
import { FUNCTION_LOGICAL_ID } from "../../infra/stack";
import { mskIam, template } from "./synth";

const SERVICE_DIMENSION = [{ Name: "service", Value: "kafka-eventbridge-lambda" }];

const alarmOn = (t: Template, metricName: string) => {
  const alarms = Object.values(
    t.findResources("AWS::CloudWatch::Alarm", { Properties: { MetricName: metricName } }),
  );
  expect(alarms).toHaveLength(1);
  return alarms[0]?.Properties;
};

describe("alarms", () => {
  it("alarms on function errors, DLQ depth, on-failure queue depth, offset lag and the function's own failure counts", () => {
    const t = template(mskIam());
    t.resourceCountIs("AWS::CloudWatch::Alarm", 8);
    t.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: FUNCTION_LOGICAL_ID } }],
      Threshold: 1,
    });
    const depth = t.findResources("AWS::CloudWatch::Alarm", {
      Properties: { Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible" },
    });
    expect(Object.keys(depth)).toHaveLength(2);
  });

  it("watches OffsetLag of the function's mappings over 15 minutes", () => {
    expect(alarmOn(template(mskIam({ offsetLagAlarmThreshold: 5000 })), "OffsetLag")).toMatchObject({
      Namespace: "AWS/Lambda",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: FUNCTION_LOGICAL_ID } }],
      Statistic: "Maximum",
      Threshold: 5000,
      EvaluationPeriods: 3,
    });
  });

  it.each([
    ["RecordsReportedFailed", "Sum", 1, 1],
    ["RecordsDeadLettered", "Sum", 1, 1],
    ["ThrottledEntries", "Sum", 100, 3],
    ["MaxDeliveryLag", "Maximum", 600_000, 3],
  ])(
    "alarms on the function's %s (%s) with a default threshold of %d over %d periods",
    (metric, statistic, threshold, periods) => {
      expect(alarmOn(template(mskIam()), metric)).toMatchObject({
        Namespace: "KafkaEventBridge",
        Dimensions: SERVICE_DIMENSION,
        Statistic: statistic,
        Period: 300,
        Threshold: threshold,
        EvaluationPeriods: periods,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
      });
    },
  );

  it("takes the thresholds from the options; the delivery lag in seconds becomes milliseconds", () => {
    const t = template(
      mskIam({
        reportedFailedAlarmThreshold: 50,
        deadLetteredAlarmThreshold: 5,
        throttledEntriesAlarmThreshold: 1000,
        deliveryLagAlarmSeconds: 60,
      }),
    );
    expect(alarmOn(t, "RecordsReportedFailed")?.Threshold).toBe(50);
    expect(alarmOn(t, "RecordsDeadLettered")?.Threshold).toBe(5);
    expect(alarmOn(t, "ThrottledEntries")?.Threshold).toBe(1000);
    expect(alarmOn(t, "MaxDeliveryLag")?.Threshold).toBe(60_000);
  });

  it("has no on-failure depth alarm when failures go to a Kafka topic", () => {
    template(mskIam({ onFailure: "kafka:orders-dlt" })).resourceCountIs("AWS::CloudWatch::Alarm", 7);
  });

  it("notifies an existing SNS topic from every alarm", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:ops-alarms";
    const alarms = template(mskIam({ alarmTopicArn: topic })).findResources("AWS::CloudWatch::Alarm");
    expect(Object.keys(alarms)).toHaveLength(8);
    for (const alarm of Object.values(alarms)) expect(alarm.Properties.AlarmActions).toEqual([topic]);
  });

  it("creates an encrypted topic with an e-mail subscription that CloudWatch may publish to", () => {
    const t = template(mskIam({ alarmEmail: "ops@example.com" }));
    const [topic] = Object.keys(t.findResources("AWS::SNS::Topic"));
    t.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    t.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@example.com" });
    t.hasResourceProperties("AWS::KMS::Key", {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Principal: { Service: "cloudwatch.amazonaws.com" },
          }),
        ]),
      },
    });
    for (const alarm of Object.values(t.findResources("AWS::CloudWatch::Alarm"))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
  });

  it("names the namespace, service and metrics the function emits (lambda/telemetry.ts)", () => {
    const telemetry = readFileSync(join(import.meta.dirname, "..", "..", "lambda", "telemetry.ts"), "utf8");
    expect(telemetry).toContain(`namespace: "${FUNCTION_METRICS.namespace}"`);
    expect(telemetry).toContain(`SERVICE_NAME = "${FUNCTION_METRICS.dimensions.service}"`);
    for (const metric of [
      "RecordsReportedFailed",
      "RecordsDeadLettered",
      "ThrottledEntries",
      "MaxDeliveryLag",
    ]) {
      expect(telemetry).toContain(`addMetric("${metric}"`);
    }
    expect(telemetry).toMatch(/addMetric\("MaxDeliveryLag", MetricUnit\.Milliseconds/);
  });
});

describe("dashboard", () => {
  /** The dashboard body with its CloudFormation references rendered as `<ref>`. */
  const body = (t: Template): string => {
    const dashboards = Object.values(t.findResources("AWS::CloudWatch::Dashboard"));
    expect(dashboards).toHaveLength(1);
    const parts: unknown[] = dashboards[0]?.Properties.DashboardBody["Fn::Join"][1];
    return parts.map((part) => (typeof part === "string" ? part : "<ref>")).join("");
  };

  it("graphs records, PutEvents, throttling, lag, queue depths, errors and duration", () => {
    const widgets = JSON.parse(body(template(mskIam()))).widgets as {
      properties: { title: string; metrics: unknown[][] };
    }[];
    const titles = widgets.map((w) => w.properties.title);
    expect(titles).toEqual(["Records", "PutEvents", "Lag", "Queues", "Function"]);
    const metrics = widgets.flatMap((w) => w.properties.metrics);
    const own = metrics.filter((m) => m[0] === "KafkaEventBridge").map((m) => m.slice(0, 4));
    for (const name of [
      "RecordsReceived",
      "RecordsDelivered",
      "RecordsDeadLettered",
      "RecordsReportedFailed",
      "PutEventsRequests",
      "ThrottledEntries",
      "MaxDeliveryLag",
    ]) {
      expect(own).toContainEqual(["KafkaEventBridge", name, "service", "kafka-eventbridge-lambda"]);
    }
    const names = metrics.map((m) => `${m[0]}/${m[1]}`);
    for (const name of [
      "AWS/Lambda/OffsetLag",
      "AWS/Lambda/Errors",
      "AWS/Lambda/Duration",
      "AWS/SQS/ApproximateNumberOfMessagesVisible",
    ]) {
      expect(names).toContain(name);
    }
    expect(metrics.find((m) => m[1] === "OffsetLag")?.slice(2, 3)).toEqual(["FunctionName"]);
  });

  it("is named in the outputs", () => {
    const t = template(mskIam());
    const [dashboard] = Object.keys(t.findResources("AWS::CloudWatch::Dashboard"));
    t.hasOutput("DashboardName", { Value: { Ref: dashboard } });
  });

  it("can be switched off", () => {
    const t = template(mskIam({ dashboard: false }));
    t.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
    expect(t.findOutputs("DashboardName")).toEqual({});
  });
});
