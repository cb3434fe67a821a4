import type { DeadLetterSender } from "./adapters/sqs-dead-letters";
import type { Config } from "./config";
import { batchResponse, type KafkaBatchResponse } from "./core/batch-response";
import { deadLetterMessage } from "./core/dead-letter-message";
import { type KafkaEvent, type KafkaRecord, recordsOf } from "./core/kafka-event";
import { type EventEntry, mapRecord } from "./core/map-entry";
import { DEADLINE_ERROR_CODE, type Deadline } from "./delivery/deadline";
import { deliverEntries } from "./delivery/deliver-entries";
import { failed, type RecordOutcome } from "./delivery/outcome";
import type { Publisher } from "./delivery/publisher";
import { POISON_CODES, PoisonRecordError } from "./errors";

export interface BatchPorts {
  readonly publisher: Publisher;
  /** Undefined when no `DLQ_URL` is set: poison records are then reported failed. */
  readonly deadLetters: DeadLetterSender | undefined;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface BatchResult {
  readonly records: readonly KafkaRecord[];
  /** Exactly one outcome per record of the batch. */
  readonly outcomes: ReadonlyMap<KafkaRecord, RecordOutcome>;
  readonly delivered: readonly EventEntry[];
  readonly response: KafkaBatchResponse;
  readonly requests: number;
  readonly throttledEntries: number;
  readonly retriedEntries: number;
}

/**
 * One invocation's work (SPEC §2–§5): map every record to an entry, deliver the entries, dead-letter
 * the poison, and build the partial batch response from what failed. Never rejects for a record's sake:
 * each record ends delivered, dead-lettered or failed.
 */
export async function processBatch(
  event: KafkaEvent,
  config: Config,
  ports: BatchPorts,
  deadline: Deadline,
): Promise<BatchResult> {
  const records = recordsOf(event);
  const outcomes = new Map<KafkaRecord, RecordOutcome>();
  const entries: EventEntry[] = [];
  for (const record of records) {
    const mapped = mapRecord(config, record);
    if (mapped instanceof PoisonRecordError) outcomes.set(record, { kind: "poison", error: mapped });
    else if (mapped.size > config.maxRequestBytes) {
      const error = new PoisonRecordError(
        POISON_CODES.entryTooLarge,
        record,
        `entry of ${mapped.size} bytes exceeds MAX_REQUEST_BYTES=${config.maxRequestBytes}`,
      );
      outcomes.set(record, { kind: "poison", error });
    } else entries.push(mapped);
  }

  const delivery = await deliverEntries(entries, ports.publisher, { ...config, ...ports, deadline });
  const delivered: EventEntry[] = [];
  for (const [entry, outcome] of delivery.outcomes) {
    outcomes.set(entry.record, outcome);
    if (outcome.kind === "delivered") delivered.push(entry);
  }

  await deadLetterPoison(outcomes, config, ports, deadline, event.eventSourceArn);

  const failedRecords = records.filter((record) => outcomes.get(record)?.kind === "failed");
  return {
    records,
    outcomes,
    delivered,
    response: batchResponse(failedRecords),
    requests: delivery.requests,
    throttledEntries: delivery.throttledEntries,
    retriedEntries: delivery.retriedEntries,
  };
}

/** Sends every poison record to the dead-letter queue; a record whose send fails becomes failed. */
async function deadLetterPoison(
  outcomes: Map<KafkaRecord, RecordOutcome>,
  config: Config,
  ports: BatchPorts,
  deadline: Deadline,
  eventSourceArn: string | undefined,
): Promise<void> {
  const poison: { record: KafkaRecord; error: PoisonRecordError }[] = [];
  for (const [record, outcome] of outcomes) {
    if (outcome.kind === "poison") poison.push({ record, error: outcome.error });
  }
  if (poison.length === 0) return;
  if (ports.deadLetters === undefined) {
    for (const { record, error } of poison) {
      outcomes.set(
        record,
        failed(error.code, `poison record and no DLQ_URL to dead-letter it: ${error.message}`),
      );
    }
    return;
  }
  const now = (ports.now ?? (() => new Date()))();
  const messages = poison.map(({ record, error }) =>
    deadLetterMessage(record, error, { connectorId: config.connectorId, eventSourceArn, now }),
  );
  // The margin kept back from delivery is what dead-lettering may use.
  const budget = deadline.remainingMs() + config.deadlineMarginMs / 2;
  if (budget <= 0) {
    for (const { record } of poison)
      outcomes.set(record, failed(DEADLINE_ERROR_CODE, "no time left to dead-letter"));
    return;
  }
  const results = await ports.deadLetters.send(messages, AbortSignal.timeout(budget));
  poison.forEach(({ record, error }, index) => {
    const result = results[index];
    outcomes.set(
      record,
      result?.sent
        ? { kind: "deadLettered", error }
        : failed(
            result?.code ?? "NotSent",
            `dead-letter send failed (${result?.message}); poison: ${error.message}`,
          ),
    );
  });
}
