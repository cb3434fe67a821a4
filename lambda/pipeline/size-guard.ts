import type { EventEntry } from "../core/map-entry";
import type { RecordOutcome } from "../delivery/outcome";
import { POISON_CODES, PoisonRecordError } from "../errors";

/**
 * Entries that still exceed `MAX_REQUEST_BYTES` after the offload stage can never be sent (SPEC §4,
 * §5): they are poison `EntryTooLarge`. The rest pass on, in order.
 */
export function rejectOversize(
  entries: readonly EventEntry[],
  maxRequestBytes: number,
  outcomes: Map<EventEntry["record"], RecordOutcome>,
): EventEntry[] {
  const fitting: EventEntry[] = [];
  for (const entry of entries) {
    if (entry.size <= maxRequestBytes) fitting.push(entry);
    else {
      const error = new PoisonRecordError(
        POISON_CODES.entryTooLarge,
        entry.record,
        `entry of ${entry.size} bytes exceeds MAX_REQUEST_BYTES=${maxRequestBytes}`,
      );
      outcomes.set(entry.record, { kind: "poison", error });
    }
  }
  return fitting;
}
