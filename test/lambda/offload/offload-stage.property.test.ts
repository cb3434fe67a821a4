import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../lambda/config";
import { type EventEntry, mapRecord } from "../../../lambda/core/map-entry";
import { offloadStage } from "../../../lambda/offload/offload-stage";
import { kafkaRecord } from "../../../tooling/kafka-records";
import { seededRandom } from "../../../tooling/seeded-random";
import { scriptedStore } from "./scripted-store";

const recordSpec = fc.record({
  kind: fc.constantFrom("small", "medium", "huge", "hugeElsewhere", "tombstone"),
  partition: fc.integer({ min: 0, max: 2 }),
});

describe("offload stage: nothing is lost", () => {
  it("gives every entry exactly one fate: sent (whole, or as a claim check whose object is stored) or an outcome", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordSpec, { minLength: 1, maxLength: 40 }),
        fc.integer(),
        fc.constantFrom(undefined, 0, 1_000, 3_000),
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        async (specs, seed, threshold, concurrency, deadlineCut) => {
          const random = seededRandom(seed);
          const config = loadConfig({
            CONNECTOR_ID: "prop",
            EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/prop",
            MAX_REQUEST_BYTES: "4096",
            MAX_CONCURRENCY: String(concurrency),
            OFFLOAD_S3_BUCKET: "claims",
            OFFLOAD_JSONPATH: "$.detail.value.blob",
            ...(threshold === undefined ? {} : { OFFLOAD_THRESHOLD_BYTES: String(threshold) }),
          });
          const offload = config.offload;
          if (offload === undefined) throw new Error("offload is off");
          const entries = specs.map(({ kind, partition }, offset) => {
            const value =
              kind === "tombstone"
                ? null
                : kind === "hugeElsewhere"
                  ? { other: "o".repeat(5_000) }
                  : { blob: "b".repeat(kind === "small" ? 10 : kind === "medium" ? 2_000 : 6_000) };
            return mapRecord(config, kafkaRecord({ partition, offset, value })) as EventEntry;
          });
          const { store, stored } = scriptedStore(random, deadlineCut);
          // Some runs end the deadline partway: after it, no upload starts and hanging ones are cut.
          const end = Date.now() + (deadlineCut ? 20 : 60_000);
          const result = await offloadStage({ ...config, offload }, store)(entries, {
            remainingMs: () => end - Date.now(),
          });

          const sent = new Map(result.entries.map((entry) => [entry.record, entry]));
          expect(sent.size).toBe(result.entries.length);
          // Order kept: what is sent comes in the input's order.
          const order = entries.map((entry) => entry.record).filter((record) => sent.has(record));
          expect(result.entries.map((entry) => entry.record)).toEqual(order);
          for (const entry of entries) {
            const out = sent.get(entry.record);
            const outcome = result.outcomes.get(entry);
            expect(out === undefined ? 0 : 1).toBe(outcome === undefined ? 1 : 0);
            if (outcome !== undefined) {
              expect(["failed", "poison"]).toContain(outcome.kind);
              continue;
            }
            expect(out?.size).toBeLessThanOrEqual(config.maxRequestBytes);
            const detail = JSON.parse(out?.entry.Detail ?? "{}") as { dataref?: string; value?: unknown };
            if (out === entry) {
              // Sent whole: under the threshold, or nothing at the path to offload.
              expect(
                entry.size <= offload.thresholdBytes ||
                  detail.value === null ||
                  !("blob" in (detail.value as object)),
              ).toBe(true);
            } else {
              // A claim check is sent only when its object was stored, with the part it lacks.
              const key = `${entry.record.topic}/${entry.record.partition}/${entry.record.offset}`;
              expect(detail.dataref).toBe(`arn:aws:s3:::claims/${key}`);
              const original = JSON.parse(entry.entry.Detail) as { value: { blob: string } };
              expect(stored.get(key)?.body.toString()).toBe(original.value.blob);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
