import type { DeadLetterSender } from "./adapters/sqs-dead-letters";
import type { Config } from "./config";
import type { ThrottleMemory } from "./core/adaptive-limit";
import { batchResponse, type KafkaBatchResponse } from "./core/batch-response";
import { type KafkaEvent, type KafkaRecord, recordsOf } from "./core/kafka-event";
import type { EventEntry } from "./core/map-entry";
import type { Deadline } from "./delivery/deadline";
import { deliverEntries } from "./delivery/deliver-entries";
import type { RecordOutcome } from "./delivery/outcome";
import type { Publisher } from "./delivery/publisher";
import type { OffloadStage } from "./offload/claim-check-port";
import { deadLetterPoison } from "./pipeline/dead-letter";
import { mapRecords } from "./pipeline/map-records";
import { partRenderer } from "./pipeline/part-renderer";
import { resolveSchemas } from "./pipeline/resolve-schemas";
import { rejectOversize } from "./pipeline/size-guard";
import type { RegistryDecoder } from "./schema-registry/registry-decoder";

export interface BatchPorts {
  readonly publisher: Publisher;
  /** Undefined when no `DLQ_URL` is set: poison records are then reported failed. */
  readonly deadLetters: DeadLetterSender | undefined;
  /** Undefined when no key or value format is a schema-registry one. */
  readonly registry?: RegistryDecoder;
  /** Undefined when `OFFLOAD_S3_BUCKET` is not set. */
  readonly offload?: OffloadStage;
  /** What this container's earlier batches learnt of EventBridge's throttling; none: each batch learns afresh. */
  readonly throttleMemory?: ThrottleMemory;
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
 * One invocation's work, as its stages (SPEC §2–§9): resolve schemas → decode and map → offload →
 * deliver → dead-letter → respond. Each stage settles some records; every record ends with exactly
 * one outcome (delivered, dead-lettered or failed), and this never rejects for a record's sake.
 */
export async function processBatch(
  event: KafkaEvent,
  config: Config,
  ports: BatchPorts,
  deadline: Deadline,
): Promise<BatchResult> {
  const records = recordsOf(event);

  await resolveSchemas(records, config, ports.registry, deadline);
  const { entries: mapped, outcomes } = mapRecords(
    records,
    config,
    partRenderer(config, ports.registry),
    deadline,
  );

  let entries: readonly EventEntry[] = mapped;
  if (ports.offload !== undefined) {
    const offloaded = await ports.offload(mapped, deadline);
    for (const [entry, outcome] of offloaded.outcomes) outcomes.set(entry.record, outcome);
    entries = offloaded.entries;
  }
  entries = rejectOversize(entries, config.maxRequestBytes, outcomes);

  const delivery = await deliverEntries(entries, ports.publisher, { ...config, ...ports, deadline });
  const delivered: EventEntry[] = [];
  // forEach, not for-of: a [key, value] pair and an iterator result per record were 1.3 MB of the
  // bench batch's allocations (the same in the stages that walk every outcome).
  delivery.outcomes.forEach((outcome, entry) => {
    outcomes.set(entry.record, outcome);
    if (outcome.kind === "delivered") delivered.push(entry);
  });

  await deadLetterPoison(outcomes, ports.deadLetters, deadline, {
    connectorId: config.connectorId,
    deadlineMarginMs: config.deadlineMarginMs,
    eventSourceArn: event.eventSourceArn,
    now: ports.now ?? (() => new Date()),
  });

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
