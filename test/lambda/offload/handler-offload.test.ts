import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../../lambda/config";
import type { DeadLetterBody } from "../../../lambda/core/dead-letter-message";
import { type EventEntry, mapRecord } from "../../../lambda/core/map-entry";
import { restoreClaimCheck } from "../../../lambda/offload/restore-event";
import { kafkaEvent, kafkaRecord, type RecordSpec } from "../../../tooling/kafka-records";
import { lambdaContext } from "../../../tooling/local-aws/lambda-context";
import {
  type LocalAwsEndpoint,
  startLocalAwsEndpoint,
  type WireEntry,
} from "../../../tooling/local-aws/local-aws-endpoint";
import { loadHandler } from "../../support/load-handler";
import { S3_FAULTS, type S3Bench, startS3Bench } from "./s3-bench";

// The real handler over HTTP with OFFLOAD_S3_BUCKET set: EventBridge and SQS on the local AWS endpoint,

let s3: S3Bench;
let aws: LocalAwsEndpoint;
let bucket: string;

const BUS = "arn:aws:events:us-east-1:123456789012:event-bus/orders-bus";

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    CONNECTOR_ID: "orders-sink",
    EVENT_BUS_ARN: BUS,
    EVENTBRIDGE_ENDPOINT_URL: aws.url,
    AWS_ENDPOINT_URL_SQS: aws.url,
    AWS_ENDPOINT_URL_S3: s3.url,
    DLQ_URL: `${aws.url}/123456789012/orders-sink-dlq`,
    PARTIAL_BATCH_RESPONSE: "true",
    RETRY_DELAY_MS: "1",
    AWS_MAX_ATTEMPTS: "2",
    OFFLOAD_S3_BUCKET: bucket,
    ...overrides,
  };
}

interface Detail {
  partition: number;
  offset: number;
  value?: unknown;
  dataref?: string;
  datarefJsonPath?: string;
}
const detailOf = (entry: WireEntry) => JSON.parse(entry.Detail) as Detail;
const offsets = (entries: WireEntry[]) => entries.map((entry) => detailOf(entry).offset);
const offloadedOffsets = (entries: WireEntry[]) =>
  entries.filter((entry) => detailOf(entry).dataref !== undefined).map((entry) => detailOf(entry).offset);

/** The size the handler will count for a record's entry under `overrides`. */
function entrySizeOf(spec: RecordSpec, overrides: Record<string, string> = {}): number {
  return (mapRecord(loadConfig(env(overrides)), kafkaRecord(spec)) as EventEntry).size;
}

describe("handler with OFFLOAD_S3_BUCKET over HTTP", () => {
  beforeAll(async () => {
    s3 = await startS3Bench();
  }, 180_000);
  afterAll(async () => s3?.close());
  beforeEach(async () => {
    s3.reset();
    bucket = await s3.createBucket();
    aws = await startLocalAwsEndpoint();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await aws.close();
  });

  it("offloads at the threshold boundary only just above it, not at it or just below", async () => {
    const at = entrySizeOf({ offset: 1, value: { blob: "x".repeat(2_000) } });
    const handler = await loadHandler(env({ OFFLOAD_THRESHOLD_BYTES: String(at) }));
    const records = [1_999, 2_000, 2_001].map((length, offset) =>
      kafkaRecord({ offset, value: { blob: "x".repeat(length) } }),
    );
    expect((await handler(kafkaEvent(records))).batchItemFailures).toEqual([]);
    expect(offsets(aws.events)).toEqual([0, 1, 2]);
    expect(offloadedOffsets(aws.events)).toEqual([2]);
    expect(await s3.listKeys(bucket)).toEqual(["orders/0/2"]);
    expect((await s3.getObject(bucket, "orders/0/2")).body.toString()).toBe(
      JSON.stringify({ blob: "x".repeat(2_001) }),
    );
  });

  it("offloads every record when OFFLOAD_THRESHOLD_BYTES=0, with the connector's event shape", async () => {
    const handler = await loadHandler(env({ OFFLOAD_THRESHOLD_BYTES: "0", OFFLOAD_S3_PREFIX: "kafka/" }));
    const records = [0, 1, 2].map((offset) => kafkaRecord({ partition: 3, offset, key: `k${offset}` }));
    expect((await handler(kafkaEvent(records))).batchItemFailures).toEqual([]);
    expect(offloadedOffsets(aws.events)).toEqual([0, 1, 2]);
    expect(aws.events[0]?.Detail).toBe(
      `{"topic":"orders","partition":3,"offset":0,"timestamp":1700000000000,"timestampType":"CreateTime","headers":[],"key":"k0",` +
        `"dataref":"arn:aws:s3:::${bucket}/kafka/orders/3/0","datarefJsonPath":"$.detail.value"}`,
    );
    expect(await s3.listKeys(bucket)).toEqual(["kafka/orders/3/0", "kafka/orders/3/1", "kafka/orders/3/2"]);
  });

  it("moves only the part at a custom OFFLOAD_JSONPATH", async () => {
    const handler = await loadHandler(
      env({ OFFLOAD_THRESHOLD_BYTES: "0", OFFLOAD_JSONPATH: "$.detail.value.attachment" }),
    );
    const value = '{"orderId":"o-1","total":1.10,"attachment":{"pdf":"JVBERi0xLjQ="}}';
    await handler(kafkaEvent([kafkaRecord({ offset: 4, value })]));
    const detail = detailOf(aws.events[0] as WireEntry);
    expect(aws.events[0]?.Detail).toContain('"value":{"orderId":"o-1","total":1.10},"dataref":');
    expect(detail.datarefJsonPath).toBe("$.detail.value.attachment");
    expect((await s3.getObject(bucket, "orders/0/4")).body.toString()).toBe('{"pdf":"JVBERi0xLjQ="}');
  });

  it("overwrites the same key when a batch is redelivered", async () => {
    const handler = await loadHandler(env({ OFFLOAD_THRESHOLD_BYTES: "0" }));
    await handler(kafkaEvent([kafkaRecord({ partition: 1, offset: 8, value: { attempt: 1 } })]));
    await handler(kafkaEvent([kafkaRecord({ partition: 1, offset: 8, value: { attempt: 2 } })]));
    const [first, second] = aws.events.map(detailOf);
    expect(first?.dataref).toBe(`arn:aws:s3:::${bucket}/orders/1/8`);
    expect(second?.dataref).toBe(first?.dataref);
    expect(await s3.listKeys(bucket)).toEqual(["orders/1/8"]);
    expect((await s3.getObject(bucket, "orders/1/8")).body.toString()).toBe('{"attempt":2}');
  });

  it("keeps entry order in a mixed batch and offloads only the big records", async () => {
    const handler = await loadHandler(env({ OFFLOAD_THRESHOLD_BYTES: "262144" }));
    const records = Array.from({ length: 8 }, (_, offset) =>
      kafkaRecord({ offset, value: { blob: "z".repeat(offset % 3 === 0 ? 300_000 : 500) } }),
    );
    expect((await handler(kafkaEvent(records))).batchItemFailures).toEqual([]);
    // Offloaded, all eight fit one request, and a request keeps its entries in batch order.
    expect(aws.putEvents).toHaveLength(1);
    expect(offsets(aws.events)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(offloadedOffsets(aws.events)).toEqual([0, 3, 6]);
    expect(await s3.listKeys(bucket)).toEqual(["orders/0/0", "orders/0/3", "orders/0/6"]);
  });

  it("delivers a record too large for any request as a claim check instead of dead-lettering it", async () => {
    const handler = await loadHandler(env());
    const value = { blob: "b".repeat(3 * 1024 * 1024) };
    const response = await handler(kafkaEvent([kafkaRecord({ offset: 0, value })]));
    expect(response.batchItemFailures).toEqual([]);
    expect(aws.deadLetters).toEqual([]);
    const event = { detail: JSON.parse(aws.events[0]?.Detail ?? "{}") as Record<string, unknown> };
    const restored = await restoreClaimCheck(event, s3.client);
    expect(restored.detail.value).toEqual(value);
  });

  describe("S3 down: the record is reported failed and nothing is lost", () => {
    const records = () => [
      kafkaRecord({ partition: 0, offset: 10, value: { small: 1 } }),
      kafkaRecord({ partition: 0, offset: 11, value: { big: "x".repeat(5_000) } }),
      kafkaRecord({ partition: 1, offset: 20, value: { small: 2 } }),
    ];

    it.each([
      ["HTTP 500", S3_FAULTS.internalError],
      ["HTTP 503 SlowDown", S3_FAULTS.slowDown],
      ["access denied", S3_FAULTS.accessDenied],
    ] as const)("%s", async (_, fault) => {
      s3.fault = () => fault;
      const handler = await loadHandler(env({ OFFLOAD_THRESHOLD_BYTES: "4096" }));
      const response = await handler(kafkaEvent(records()));
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 11 } }],
      });
      expect(offsets(aws.events).sort()).toEqual([10, 20]);
      expect(aws.deadLetters).toEqual([]);
      expect(await s3.listKeys(bucket)).toEqual([]);
    });

    it("timeout: an upload S3 never answers is cut at the deadline", async () => {
      s3.fault = ({ method }) => (method === "PUT" ? S3_FAULTS.hang : undefined);
      const handler = await loadHandler(env({ OFFLOAD_THRESHOLD_BYTES: "4096", DEADLINE_MARGIN_MS: "500" }));
      const context = lambdaContext(2_000);
      const batch = records();
      const response = await handler(kafkaEvent(batch), context);
      expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
      expect(offsets(aws.events)).not.toContain(11);
      expect(aws.deadLetters).toEqual([]);
      // The upload held the invocation to its deadline, so the others may not have been sent either:
      // each record is delivered or at/after its partition's reported offset.
      const reported = new Map(
        response.batchItemFailures.map(({ itemIdentifier }) => [
          itemIdentifier.partition,
          itemIdentifier.offset,
        ]),
      );
      expect(reported.get("orders-0")).toBeLessThanOrEqual(11);
      for (const record of batch) {
        const from = reported.get(`orders-${record.partition}`);
        expect(
          offsets(aws.events).includes(record.offset) || (from !== undefined && record.offset >= from),
        ).toBe(true);
      }
    });

    it("throws so the whole batch is retried when partial batch response is off", async () => {
      s3.fault = () => S3_FAULTS.internalError;
      const handler = await loadHandler(
        env({ OFFLOAD_THRESHOLD_BYTES: "4096", PARTIAL_BATCH_RESPONSE: "false" }),
      );
      await expect(handler(kafkaEvent(records()))).rejects.toThrow(/1 of 3 records were not delivered/);
    });
  });

  describe("dead letters over SQS's 1 MiB", () => {
    it("keep their payload in the bucket and reference it", async () => {
      aws.behaviour.putEvents = (entries) => ({
        results: entries.map(() => ({ ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." })),
      });
      // The claim check itself is rejected; its record's dead letter (base64 of 1.5 MB) exceeds 1 MiB.
      const handler = await loadHandler(env({ OFFLOAD_S3_PREFIX: "p/" }));
      const value = { blob: "d".repeat(1_500_000) };
      const response = await handler(kafkaEvent([kafkaRecord({ offset: 6, value })]));
      expect(response.batchItemFailures).toEqual([]);
      const body = JSON.parse(aws.deadLetters[0]?.MessageBody ?? "{}") as DeadLetterBody & {
        dataref: string;
      };
      expect(body).toMatchObject({ offset: 6, errorCode: "MalformedDetail" });
      expect(body.dataref).toBe(`arn:aws:s3:::${bucket}/p/orders/0/6.dead-letter.json`);
      const full = JSON.parse(
        (await s3.getObject(bucket, "p/orders/0/6.dead-letter.json")).body.toString(),
      ) as DeadLetterBody;
      expect(Buffer.from(full.value ?? "", "base64").toString()).toBe(JSON.stringify(value));
    });

    it("report the record failed when the bucket cannot take the payload", async () => {
      aws.behaviour.putEvents = (entries) => ({
        results: entries.map(() => ({ ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." })),
      });
      s3.fault = ({ path }) => (path.endsWith(".dead-letter.json") ? S3_FAULTS.accessDenied : undefined);
      const handler = await loadHandler(env());
      const response = await handler(
        kafkaEvent([kafkaRecord({ offset: 6, value: { blob: "d".repeat(1_500_000) } })]),
      );
      expect(response).toEqual({
        batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 6 } }],
      });
      expect(aws.deadLetters).toEqual([]);
    });
  });
});
