import type { KafkaRecord } from "../core/kafka-event";
import { type EventEntry, type MappingConfig, mapRecord } from "../core/map-entry";
import type { PartRenderer } from "../core/part-rendering";
import { DEADLINE_ERROR_CODE, type Deadline } from "../delivery/deadline";
import { failed, type RecordOutcome } from "../delivery/outcome";
import { PoisonRecordError } from "../errors";

/**
 * How many records are mapped between two looks at the clock: small enough that a slice of 1 MB values
 * takes a few milliseconds, large enough that reading the clock costs nothing measurable.
 */
const RECORDS_PER_SLICE = 64;

export interface MappedBatch {
  readonly entries: EventEntry[];
  /** Records that will not be sent: poison (for the dead-letter queue) or failed (retried later). */
  readonly outcomes: Map<KafkaRecord, RecordOutcome>;
}

/**
 * Stage 2: decodes and maps every record to its entry (SPEC §3). It watches the deadline between slices:
 * once the time is gone, the records not yet mapped are reported failed, so a batch of any size never
 * runs the invocation past its deadline (SPEC §4).
 */
export function mapRecords(
  records: readonly KafkaRecord[],
  config: MappingConfig,
  render: PartRenderer,
  deadline: Deadline,
): MappedBatch {
  const entries: EventEntry[] = [];
  const outcomes = new Map<KafkaRecord, RecordOutcome>();
  for (let index = 0; index < records.length; index += 1) {
    const record = records[index] as KafkaRecord;
    if (index % RECORDS_PER_SLICE === 0 && deadline.remainingMs() <= 0) {
      const outcome = failed(DEADLINE_ERROR_CODE, "not mapped before the invocation's deadline");
      for (const rest of records.slice(index)) outcomes.set(rest, outcome);
      break;
    }
    const mapped = mapRecord(config, record, render);
    if (mapped instanceof PoisonRecordError) outcomes.set(record, { kind: "poison", error: mapped });
    else if ("retryable" in mapped) outcomes.set(record, failed(mapped.code, mapped.message));
    else entries.push(mapped);
  }
  return { entries, outcomes };
}
