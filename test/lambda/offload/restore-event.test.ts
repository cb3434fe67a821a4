import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../lambda/config";
import { type EventEntry, mapRecord } from "../../../lambda/core/map-entry";
import { offloadStage } from "../../../lambda/offload/offload-stage";
import { restoreClaimCheck } from "../../../lambda/offload/restore-event";
import { s3ClaimCheckStore } from "../../../lambda/offload/s3-claim-check-store";
import { kafkaRecord, type RecordSpec } from "../../../tooling/kafka-records";
import { type S3Bench, startS3Bench } from "./s3-bench";

let s3: S3Bench;
let bucket: string;
beforeAll(async () => {
  s3 = await startS3Bench();
}, 180_000);
afterAll(async () => s3?.close());
beforeEach(async () => {
  bucket = await s3.createBucket();
});

/** The event a rule's target receives for an entry (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html). */
function delivered(entry: EventEntry) {
  return {
    version: "0",
    id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": entry.entry.DetailType,
    source: entry.entry.Source,
    account: "123456789012",
    time: "2026-11-29T12:00:00Z",
    region: "us-east-1",
    resources: entry.entry.Resources ?? [],
    detail: JSON.parse(entry.entry.Detail) as Record<string, unknown>,
  };
}

/** Offloads each record's part at `path` (threshold 0) and returns the original entries and their claim checks. */
async function offload(specs: RecordSpec[], env: Record<string, string> = {}) {
  const config = loadConfig({
    CONNECTOR_ID: "orders-sink",
    EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/orders",
    OFFLOAD_S3_BUCKET: bucket,
    OFFLOAD_THRESHOLD_BYTES: "0",
    ...env,
  });
  const entries = specs.map((spec) => mapRecord(config, kafkaRecord(spec)) as EventEntry);
  const { offload: settings } = config;
  if (settings === undefined) throw new Error("offload is off");
  const store = s3ClaimCheckStore({ bucket, maxSockets: 4, endpoint: s3.url, forcePathStyle: true });
  const result = await offloadStage({ ...config, offload: settings }, store)(entries, {
    remainingMs: () => 30_000,
  });
  expect(result.outcomes.size).toBe(0);
  return { originals: entries, claimChecks: result.entries };
}

describe("restoreClaimCheck", () => {
  it("gives back the full event for JSON, string and base64 values", async () => {
    const { originals, claimChecks } = await offload(
      [
        { topic: "json", value: { orderItems: ["a", "b"], total: 1.5, nested: { deep: [null, true] } } },
        { topic: "text", value: 'plain text ✓ with "quotes"' },
        { topic: "bin", value: Buffer.from([0, 1, 2, 250, 251, 252]) },
      ],
      { VALUE_FORMAT: "json,text:string,bin:base64" },
    );
    for (const [index, claimCheck] of claimChecks.entries()) {
      const event = delivered(claimCheck);
      expect(event.detail.dataref).toMatch(/^arn:aws:s3:::/);
      const restored = await restoreClaimCheck(event, s3.client);
      expect(restored).toEqual(delivered(originals[index] as EventEntry));
      // Field order too: value comes back last, where the connector's detail has it.
      expect(Object.keys(restored.detail)).toEqual(
        Object.keys(delivered(originals[index] as EventEntry).detail),
      );
      expect(event.detail).toHaveProperty("dataref");
    }
  });

  it("puts a part back at a deeper path, and an array element back at its index", async () => {
    const value = { id: 7, lines: [{ sku: "a" }, { sku: "b", blob: "x".repeat(100) }, { sku: "c" }] };
    for (const path of [
      "$.detail.value.lines",
      "$.detail.value.lines[1]",
      "$.detail.value['lines'][1].blob",
    ]) {
      const { originals, claimChecks } = await offload([{ value }], { OFFLOAD_JSONPATH: path });
      const event = delivered(claimChecks[0] as EventEntry);
      expect(event.detail.datarefJsonPath).toBe(path);
      expect(await restoreClaimCheck(event, s3.client)).toEqual(delivered(originals[0] as EventEntry));
    }
  });

  it("returns an event without dataref as it is", async () => {
    const event = { source: "x", detail: { topic: "orders", value: { a: 1 } } };
    expect(await restoreClaimCheck(event, s3.client)).toBe(event);
  });

  it("parses JSON with the given parser", async () => {
    await s3.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "k",
        Body: "12345678901234567890",
        ContentType: "application/json",
      }),
    );
    const event = {
      detail: { topic: "t", dataref: `arn:aws:s3:::${bucket}/k`, datarefJsonPath: "$.detail.value" },
    };
    const restored = await restoreClaimCheck(event, s3.client, { parseJson: (text) => BigInt(text) });
    expect(restored.detail).toEqual({ topic: "t", value: 12345678901234567890n });
  });

  it("rejects a dataref that is not an S3 object ARN", async () => {
    await expect(restoreClaimCheck({ detail: { dataref: "s3://bucket/key" } }, s3.client)).rejects.toThrow(
      /not an S3 object ARN/,
    );
  });
});
