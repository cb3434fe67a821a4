import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DeadLetterSender } from "../../lambda/adapters/sqs-dead-letters";
import { loadConfig } from "../../lambda/config";
import type { DeadLetterBody } from "../../lambda/core/dead-letter-message";
import { type KafkaRecord, parseKafkaEvent, recordsOf } from "../../lambda/core/kafka-event";
import type { EntryResult } from "../../lambda/delivery/publisher";
import { RequestFailedError } from "../../lambda/errors";
import { offloadStage } from "../../lambda/offload/offload-stage";
import { processBatch } from "../../lambda/process-batch";
import { kafkaEvent, kafkaRecord } from "../../tooling/kafka-records";
import { seededRandom } from "../../tooling/seeded-random";
import { scriptedPublisher } from "../support/scripted-publisher";
import { scriptedStore } from "./offload/scripted-store";

/** A topic whose default detail-type, kafka-connect-<topic>, is over PutEvents' 128 characters. */
const LONG_TOPIC = "t".repeat(120);

const recordSpec = fc.record({
  topic: fc.constantFrom("orders", "order-events", "a-b-c", "orders", LONG_TOPIC),
  partition: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom(
    "json",
    "json",
    "json",
    "json",
    "badJson",
    "huge",
    "badTimestamp",
    "badTimestampType",
    "badKeyType",
    "badHeaders",
  ),
});

/** The malformed field each kind puts on the record, as the ESM never sends it. */
const MALFORMED: Record<string, Record<string, unknown>> = {
  badTimestamp: { timestamp: "2026-11-29" },
  badTimestampType: { timestampType: "CreateTime" },
  badKeyType: { key: 42 },
  badHeaders: { headers: [{ h: [1, 300] }] },
};

const keyOf = (record: { topic: string; partition: number; offset: number }) =>
  `${record.topic}|${record.partition}|${record.offset}`;

/** The poison code a record of each kind is dead-lettered with. */
const EXPECTED_POISON: Record<string, string> = {
  badJson: "InvalidJson",
  huge: "EntryTooLarge",
  badTimestamp: "InvalidTimestamp",
  badTimestampType: "InvalidTimestampType",
  badKeyType: "InvalidKeyType",
  badHeaders: "InvalidHeaders",
  longTopic: "DetailTypeTooLong",
};

describe("processBatch: nothing is lost", () => {
  it("puts every record on the bus, in the dead-letter queue, or at/after its partition's reported offset", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordSpec, { minLength: 1, maxLength: 60 }),
        fc.integer(),
        fc.boolean(),
        // Claim check off, or on with the default threshold (MAX_REQUEST_BYTES), 0, or 1,000 bytes.
        fc.constantFrom(undefined, "default", "0", "1000"),
        async (specs, seed, withDlq, offloadThreshold) => {
          const random = seededRandom(seed);
          const nextOffset = new Map<string, number>();
          const kindOf = new Map<string, string>();
          const raw = specs.map(({ topic, partition, kind }) => {
            const offset = nextOffset.get(`${topic}-${partition}`) ?? 0;
            nextOffset.set(`${topic}-${partition}`, offset + 1);
            const value =
              kind === "badJson" ? "{oops" : kind === "huge" ? { blob: "z".repeat(3_000) } : { offset };
            const record = kafkaRecord({ topic, partition, offset, value });
            kindOf.set(
              keyOf(record),
              topic === LONG_TOPIC && (kind === "json" || kind === "huge") ? "longTopic" : kind,
            );
            return { ...record, ...MALFORMED[kind] } as KafkaRecord;
          });
          // Malformed records reach processBatch as the handler passes them: parsed, with their error attached.
          const event = parseKafkaEvent(kafkaEvent(raw));
          const records = recordsOf(event);
          const config = loadConfig({
            CONNECTOR_ID: "prop",
            EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/prop",
            MAX_REQUEST_BYTES: "2500",
            MAX_CONCURRENCY: String(1 + Math.floor(random() * 8)),
            RETRIES_MAX: String(Math.floor(random() * 3)),
            PARTIAL_BATCH_RESPONSE: "true",
            ...(offloadThreshold === undefined ? {} : { OFFLOAD_S3_BUCKET: "claims" }),
            ...(offloadThreshold === undefined || offloadThreshold === "default"
              ? {}
              : { OFFLOAD_THRESHOLD_BYTES: offloadThreshold }),
          });
          // S3 answers from the seeded script: stored, 5xx or access denied.
          const claims = scriptedStore(random, false);
          const { offload } = config;

          const bench = scriptedPublisher((entries): EntryResult[] => {
            const roll = random();
            if (roll < 0.05) throw new RequestFailedError("retryable", "InternalFailure", "HTTP 500");
            if (roll < 0.08) throw new RequestFailedError("tooLarge", "ValidationException", "too large");
            if (roll < 0.09) throw new RequestFailedError("systemic", "AccessDeniedException", "denied");
            // A setup problem EventBridge reports as a ValidationException that is not about size.
            if (roll < 0.1) throw new RequestFailedError("invalid", "ValidationException", "invalid ARN");
            return entries.map(() => {
              const pick = random();
              if (pick < 0.15) return { errorCode: "ThrottlingException", errorMessage: "slow down" };
              if (pick < 0.2) return { errorCode: "InternalFailure", errorMessage: "oops" };
              if (pick < 0.23) return { errorCode: "MalformedDetail", errorMessage: "bad" };
              if (pick < 0.25) return { errorCode: "SomethingNew", errorMessage: "?" };
              return { eventId: String(random()) };
            });
          });
          const deadLettered = new Map<string, DeadLetterBody>();
          const deadLetters: DeadLetterSender = {
            async send(messages) {
              return messages.map((message) => {
                if (random() < 0.2) return { sent: false, code: "InternalError", message: "SQS down" };
                deadLettered.set(keyOf(message.record), JSON.parse(message.body) as DeadLetterBody);
                return { sent: true };
              });
            },
          };

          const result = await processBatch(
            event,
            config,
            {
              publisher: bench.publisher,
              deadLetters: withDlq ? deadLetters : undefined,
              ...(offload === undefined
                ? {}
                : { offload: offloadStage({ ...config, offload }, claims.store) }),
              sleep: async () => undefined,
              random,
            },
            { remainingMs: () => 60_000 },
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

            const kind = kindOf.get(key);
            // With the claim check on, a huge record is sent as a claim check (or failed), not dead-lettered.
            const expectedCode =
              offload !== undefined && kind === "huge" ? undefined : EXPECTED_POISON[kind ?? ""];
            // A malformed record or one over a documented limit is never sent, only dead-lettered or failed.
            if (expectedCode !== undefined) {
              expect(onBus.has(key), `record ${key} (${kind}) was sent`).toBe(false);
              if (outcome?.kind === "deadLettered") expect(outcome.error.code).toBe(expectedCode);
            }
            const body = deadLettered.get(key);
            if (body !== undefined) {
              // A setup-level ValidationException never drains a batch into the dead-letter queue.
              expect(body.errorCode).not.toBe("ValidationException");
              if (kind !== undefined && kind in MALFORMED) {
                const [field, value] = Object.entries(MALFORMED[kind] ?? {})[0] ?? [];
                expect(body.malformedFields).toEqual({ [field as string]: value });
              }
            }
          }
          // A claim check on the bus always has its object, holding the record's value byte for byte.
          for (const entry of bench.accepted) {
            const detail = JSON.parse(entry.Detail ?? "{}") as {
              topic: string;
              partition: number;
              offset: number;
              dataref?: string;
            };
            if (detail.dataref === undefined) continue;
            const key = `${detail.topic}/${detail.partition}/${detail.offset}`;
            expect(detail.dataref).toBe(`arn:aws:s3:::claims/${key}`);
            const record = records.find((candidate) => keyOf(candidate) === keyOf(detail));
            expect(claims.stored.get(key)?.body.toString("base64")).toBe(record?.value);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
