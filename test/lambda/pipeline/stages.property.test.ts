import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DeadLetterSender } from "../../../lambda/adapters/sqs-dead-letters";
import { type Config, loadConfig } from "../../../lambda/config";
import type { KafkaRecord } from "../../../lambda/core/kafka-event";
import type { EventEntry } from "../../../lambda/core/map-entry";
import type { RecordOutcome } from "../../../lambda/delivery/outcome";
import type { OffloadStage } from "../../../lambda/offload/claim-check-port";
import { processBatch } from "../../../lambda/process-batch";
import { kafkaEvent, kafkaRecord } from "../../../tooling/kafka-records";
import { seededRandom } from "../../../tooling/seeded-random";
import { scriptedPublisher } from "../../support/scripted-publisher";
import { scriptedRegistry } from "../../support/scripted-registry";

const recordSpec = fc.record({
  partition: fc.integer({ min: 0, max: 2 }),
  // What the registry answers for the value: a schema it knows, an unknown id, or an outage.
  kind: fc.constantFrom("known", "known", "known", "unknownSchema", "registryDown", "big"),
});

const keyOf = (record: { topic: string; partition: number; offset: number }) =>
  `${record.topic}|${record.partition}|${record.offset}`;

describe("processBatch stages: nothing is lost", () => {
  it("settles every record under registry outages, offload failures and a deadline that runs out", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordSpec, { minLength: 1, maxLength: 200 }),
        fc.integer(),
        fc.boolean(),
        fc.integer({ min: 0, max: 8 }),
        async (specs, seed, withDlq, clockLooks) => {
          const random = seededRandom(seed);
          const nextOffset = [0, 0, 0];
          const records: KafkaRecord[] = specs.map(({ partition, kind }) => {
            const offset = nextOffset[partition] ?? 0;
            nextOffset[partition] = offset + 1;
            const value =
              kind === "unknownSchema"
                ? "P"
                : kind === "registryDown"
                  ? "R"
                  : JSON.stringify({ offset, blob: kind === "big" ? "z".repeat(3_000) : "" });
            return kafkaRecord({ topic: "orders", partition, offset, value });
          });
          const config: Config = {
            ...loadConfig({
              CONNECTOR_ID: "prop",
              EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/prop",
              MAX_REQUEST_BYTES: "2500",
              PARTIAL_BATCH_RESPONSE: "true",
            }),
            valueFormat: { defaultFormat: "avro", byTopic: new Map() },
          };
          const { registry } = scriptedRegistry();
          const offloaded = new Set<string>();
          // Offloads entries over 1,000 bytes; an upload fails at random, and some entries stay too big.
          const offload: OffloadStage = async (entries) => {
            const kept: EventEntry[] = [];
            const outcomes = new Map<EventEntry, RecordOutcome>();
            for (const entry of entries) {
              const roll = random();
              if (entry.size <= 1_000 || roll < 0.1) kept.push(entry);
              else if (roll < 0.3)
                outcomes.set(entry, { kind: "failed", code: "S3Unavailable", message: "503" });
              else {
                offloaded.add(keyOf(entry.record));
                kept.push({ ...entry, size: 200 });
              }
            }
            return { entries: kept, outcomes };
          };
          const bench = scriptedPublisher((entries) =>
            entries.map(() =>
              random() < 0.15
                ? { errorCode: "ThrottlingException", errorMessage: "slow down" }
                : { eventId: "id" },
            ),
          );
          const deadLettered = new Set<string>();
          const deadLetters: DeadLetterSender = {
            async send(messages) {
              return messages.map((message) => {
                if (random() < 0.2) return { sent: false, code: "InternalError", message: "SQS down" };
                deadLettered.add(keyOf(message.record));
                return { sent: true };
              });
            },
          };
          let looks = 0;
          const deadline = { remainingMs: () => (clockLooks === 0 || ++looks <= clockLooks ? 60_000 : 0) };

          const result = await processBatch(
            kafkaEvent(records),
            config,
            {
              publisher: bench.publisher,
              deadLetters: withDlq ? deadLetters : undefined,
              registry,
              offload,
              sleep: async () => undefined,
              random,
            },
            deadline,
          );

          const onBus = new Set(bench.accepted.map((entry) => keyOf(JSON.parse(entry.Detail ?? "{}"))));
          const reported = new Map(
            result.response.batchItemFailures.map(({ itemIdentifier }) => [
              itemIdentifier.partition,
              itemIdentifier.offset,
            ]),
          );
          expect(result.outcomes.size).toBe(records.length);
          for (const record of records) {
            const key = keyOf(record);
            const lowest = reported.get(`${record.topic}-${record.partition}`);
            const retried = lowest !== undefined && lowest <= record.offset;
            expect(onBus.has(key) || deadLettered.has(key) || retried, `record ${key} was lost`).toBe(true);
            const outcome = result.outcomes.get(record);
            if (outcome?.kind === "delivered") expect(onBus.has(key)).toBe(true);
            if (outcome?.kind === "deadLettered") expect(deadLettered.has(key)).toBe(true);
            if (outcome?.kind === "failed") expect(retried).toBe(true);
            if (record.value === Buffer.from("R").toString("base64")) expect(outcome?.kind).toBe("failed");
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
