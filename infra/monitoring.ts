import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import type { ResolvedOptions } from "./options";

/**
 * The function's EMF metrics (lambda/telemetry.ts): Powertools Metrics under this namespace, with the one
 * default dimension `service` it adds from the service name. A test reads telemetry.ts to keep these equal.
 */
export const FUNCTION_METRICS = {
  namespace: "KafkaEventBridge",
  dimensions: { service: "kafka-eventbridge-lambda" },
} as const;

export type FunctionMetricName =
  | "RecordsReceived"
  | "RecordsDelivered"
  | "RecordsRetried"
  | "RecordsDeadLettered"
  | "RecordsReportedFailed"
  | "PutEventsRequests"
  | "ThrottledEntries"
  | "MaxDeliveryLag";

const PERIOD = Duration.minutes(5);

/** One of the function's own metrics (SPEC §7). */
export function functionMetric(
  metricName: FunctionMetricName,
  statistic: "Sum" | "Maximum",
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: FUNCTION_METRICS.namespace,
    metricName,
    dimensionsMap: { ...FUNCTION_METRICS.dimensions },
    statistic,
    period: PERIOD,
  });
}

/** Lambda's OffsetLag of the function's Kafka mappings: records the consumer groups are behind. */
export function offsetLagMetric(fn: lambda.IFunction): cloudwatch.Metric {
  // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
  return new cloudwatch.Metric({
    namespace: "AWS/Lambda",
    metricName: "OffsetLag",
    dimensionsMap: { FunctionName: fn.functionName },
    statistic: "Maximum",
    period: PERIOD,
  });
}

interface AlarmSpec {
  readonly id: string;
  readonly metric: cloudwatch.Metric;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly description: string;
}

function alarm(scope: Construct, spec: AlarmSpec): cloudwatch.Alarm {
  return spec.metric.createAlarm(scope, spec.id, {
    alarmDescription: spec.description,
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // No batches, no data points: an idle sink is healthy.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/**
 * Alarms on what actually fails. With partial batch responses (the default) failed records never count as
 * Lambda `Errors`, so the function's own counts are watched too: records reported failed or dead-lettered,
 * throttling that lasts, and delivery lag.
 */
export function createAlarms(
  scope: Construct,
  fn: lambda.Function,
  queues: { readonly deadLetters: sqs.IQueue; readonly onFailure: sqs.IQueue | undefined },
  thresholds: ResolvedOptions["alarms"],
): cloudwatch.Alarm[] {
  const queueDepth = (queue: sqs.IQueue) =>
    queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: "Maximum" });
  const specs: AlarmSpec[] = [
    {
      id: "FunctionErrorsAlarm",
      metric: fn.metricErrors({ period: PERIOD, statistic: "Sum" }),
      threshold: 1,
      evaluationPeriods: 1,
      description: "The function failed (threw, timed out or crashed) at least once in 5 minutes",
    },
    {
      id: "DeadLetterQueueDepthAlarm",
      metric: queueDepth(queues.deadLetters),
      threshold: 1,
      evaluationPeriods: 1,
      description: "Poison records are waiting in the DLQ",
    },
    {
      id: "OffsetLagAlarm",
      metric: offsetLagMetric(fn),
      threshold: thresholds.offsetLag,
      evaluationPeriods: 3,
      description: `The consumer group lags ${thresholds.offsetLag} records or more for 15 minutes`,
    },
    {
      id: "RecordsReportedFailedAlarm",
      metric: functionMetric("RecordsReportedFailed", "Sum"),
      threshold: thresholds.reportedFailed,
      evaluationPeriods: 1,
      description: `${thresholds.reportedFailed} or more records were reported failed in 5 minutes: Lambda retries them, and they reach the on-failure destination when the retries run out`,
    },
    {
      id: "RecordsDeadLetteredAlarm",
      metric: functionMetric("RecordsDeadLettered", "Sum"),
      threshold: thresholds.deadLettered,
      evaluationPeriods: 1,
      description: `${thresholds.deadLettered} or more poison records were dead-lettered in 5 minutes`,
    },
    {
      id: "ThrottledEntriesAlarm",
      metric: functionMetric("ThrottledEntries", "Sum"),
      threshold: thresholds.throttledEntries,
      evaluationPeriods: 3,
      description: `EventBridge throttled ${thresholds.throttledEntries} or more entries in each of 3 periods of 5 minutes: the account's PutEvents quota is the bottleneck`,
    },
    {
      id: "MaxDeliveryLagAlarm",
      metric: functionMetric("MaxDeliveryLag", "Maximum"),
      // MaxDeliveryLag is in milliseconds (MetricUnit.Milliseconds in lambda/telemetry.ts).
      threshold: thresholds.deliveryLagSeconds * 1000,
      evaluationPeriods: 3,
      description: `Records reached the bus ${thresholds.deliveryLagSeconds} s or more after their Kafka timestamp for 15 minutes`,
    },
  ];
  if (queues.onFailure !== undefined) {
    specs.push({
      id: "OnFailureQueueDepthAlarm",
      metric: queueDepth(queues.onFailure),
      threshold: 1,
      evaluationPeriods: 1,
      description:
        "The event source mapping gave up on records and sent their metadata to the on-failure queue",
    });
  }
  return specs.map((spec) => alarm(scope, spec));
}

/**
 * A dashboard of the deployment: records in and where they went, PutEvents requests and throttling, lag,
 * queue depths, function errors and duration.
 */
export function createDashboard(
  scope: Construct,
  fn: lambda.Function,
  queues: { readonly deadLetters: sqs.IQueue; readonly onFailure: sqs.IQueue | undefined },
): cloudwatch.Dashboard {
  const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
    new cloudwatch.GraphWidget({ title, left, right, width: 12, height: 6 });
  const depth = (queue: sqs.IQueue, label: string) =>
    queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: "Maximum", label });
  const dashboard = new cloudwatch.Dashboard(scope, "Dashboard");
  dashboard.addWidgets(
    graph("Records", [
      functionMetric("RecordsReceived", "Sum"),
      functionMetric("RecordsDelivered", "Sum"),
      functionMetric("RecordsDeadLettered", "Sum"),
      functionMetric("RecordsReportedFailed", "Sum"),
    ]),
    graph(
      "PutEvents",
      [functionMetric("PutEventsRequests", "Sum")],
      [functionMetric("ThrottledEntries", "Sum"), functionMetric("RecordsRetried", "Sum")],
    ),
  );
  dashboard.addWidgets(
    graph("Lag", [offsetLagMetric(fn)], [functionMetric("MaxDeliveryLag", "Maximum")]),
    graph("Queues", [
      depth(queues.deadLetters, "Dead-letter queue"),
      ...(queues.onFailure === undefined ? [] : [depth(queues.onFailure, "On-failure queue")]),
    ]),
  );
  dashboard.addWidgets(
    graph(
      "Function",
      [
        fn.metricErrors({ period: PERIOD, statistic: "Sum" }),
        fn.metricThrottles({ period: PERIOD, statistic: "Sum" }),
      ],
      [
        fn.metricDuration({ period: PERIOD, statistic: "Average" }),
        fn.metricDuration({ period: PERIOD, statistic: "Maximum" }),
      ],
    ),
  );
  return dashboard;
}
