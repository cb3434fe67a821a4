import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { kafkaEvent, kafkaRecord, manyRecords } from "../../tooling/kafka-records";
import { type LocalAwsEndpoint, startLocalAwsEndpoint } from "../../tooling/local-aws/local-aws-endpoint";
import { loadHandler } from "../support/load-handler";

// What the function writes to its logs and metrics (SPEC §6, §7), read from the console it writes to.

let aws: LocalAwsEndpoint;
let lines: string[];
beforeEach(async () => {
  aws = await startLocalAwsEndpoint();
  lines = [];
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
  }
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await aws.close();
});

const SECRET_VALUE = '{"creditCard":"4111-1111-1111-1111","orderItems":["x"]}';
const SECRET_KEY = "customer-ssn-123-45-6789";

async function run(env: Record<string, string>) {
  const handler = await loadHandler({
    CONNECTOR_ID: "telemetry",
    EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/t",
    EVENTBRIDGE_ENDPOINT_URL: aws.url,
    AWS_ENDPOINT_URL_SQS: aws.url,
    DLQ_URL: `${aws.url}/123456789012/dlq`,
    PARTIAL_BATCH_RESPONSE: "true",
    POWERTOOLS_DEV: "true",
    POWERTOOLS_METRICS_DISABLED: "false",
    POWERTOOLS_LOG_LEVEL: "",
    ...env,
  });
  await handler(
    kafkaEvent([
      kafkaRecord({ offset: 1, key: SECRET_KEY, value: SECRET_VALUE }),
      kafkaRecord({ offset: 2, key: SECRET_KEY, value: `${SECRET_VALUE.slice(0, 20)} broken` }),
    ]),
  );
  return lines.join("\n");
}

const leaks = (text: string) =>
  ["4111-1111", SECRET_KEY, Buffer.from(SECRET_KEY).toString("base64")].filter((secret) =>
    text.includes(secret),
  );

describe("telemetry", () => {
  it("logs the coordinates of a dead-lettered record but none of its contents", async () => {
    const text = await run({ LOG_LEVEL: "INFO" });
    expect(text).toMatch(/record dead-lettered/);
    expect(text).toMatch(/"offset": 2/);
    expect(leaks(text)).toEqual([]);
  });

  it("keeps record contents out of DEBUG logs unless LOG_RECORD_PAYLOADS=true", async () => {
    expect(leaks(await run({ LOG_LEVEL: "DEBUG" }))).toEqual([]);
  });

  it("logs keys and values at DEBUG with LOG_RECORD_PAYLOADS=true", async () => {
    const text = await run({ LOG_LEVEL: "DEBUG", LOG_RECORD_PAYLOADS: "true" });
    expect(text).toContain(Buffer.from(SECRET_KEY).toString("base64"));
  });

  it("logs a run of failed records as one line per partition and error code", async () => {
    aws.behaviour.putEvents = () => ({ status: 400, errorType: "AccessDeniedException", message: "denied" });
    const handler = await loadHandler({
      CONNECTOR_ID: "telemetry",
      EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/t",
      EVENTBRIDGE_ENDPOINT_URL: aws.url,
      PARTIAL_BATCH_RESPONSE: "true",
      POWERTOOLS_DEV: "true",
      POWERTOOLS_LOG_LEVEL: "",
      LOG_LEVEL: "INFO",
    });
    await handler(kafkaEvent(manyRecords(200, { partitions: 2 })));
    const failedLines = lines.filter((line) => line.includes("records reported failed"));
    expect(failedLines).toHaveLength(2);
    expect(failedLines.map((line) => JSON.parse(line))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          partition: 0,
          offset: 0,
          lastOffset: 99,
          count: 100,
          errorCode: "AccessDeniedException",
        }),
        expect.objectContaining({ partition: 1, offset: 0, lastOffset: 99, count: 100 }),
      ]),
    );
  });

  it("emits EMF metrics for received, delivered and dead-lettered records", async () => {
    const text = await run({ LOG_LEVEL: "INFO" });
    const emf = text
      .split("\n")
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((document) => "RecordsReceived" in document);
    expect(emf).toMatchObject({
      RecordsReceived: 2,
      RecordsDelivered: 1,
      RecordsDeadLettered: 1,
      RecordsReportedFailed: 0,
      PutEventsRequests: 1,
      BilledEventChunks: 1,
    });
    expect(emf?._aws).toMatchObject({
      CloudWatchMetrics: [expect.objectContaining({ Namespace: "KafkaEventBridge" })],
    });
  });

  it.each([
    ["disabled", "true"],
    ["enabled", "false"],
  ])("prints no empty-metrics warning when it rejects an event, metrics %s", async (_, disabled) => {
    const handler = await loadHandler({
      CONNECTOR_ID: "telemetry",
      EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/t",
      POWERTOOLS_DEV: "true",
      POWERTOOLS_METRICS_DISABLED: disabled,
      POWERTOOLS_LOG_LEVEL: "",
    });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(handler({ eventSource: "aws:sqs", Records: [] })).rejects.toThrow(/Not a Kafka event/);
    }
    expect(lines.join("\n")).not.toContain("No application metrics to publish");
    const emf = lines.filter((line) => line.includes('"RejectedEvents"'));
    expect(emf).toHaveLength(disabled === "true" ? 0 : 3);
  });
});
