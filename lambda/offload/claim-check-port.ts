import type { EventEntry } from "../core/map-entry";
import type { Deadline } from "../delivery/deadline";
import type { RecordOutcome } from "../delivery/outcome";

/** What the offload stage returns: the entries to deliver, in order, and the records it could not offload. */
export interface OffloadResult {
  /** The entries to send, in their original order; an offloaded one is replaced by its claim-check entry. */
  readonly entries: readonly EventEntry[];
  /** Entries whose upload failed (retryable, reported failed) or that cannot be offloaded (poison). */
  readonly outcomes: ReadonlyMap<EventEntry, RecordOutcome>;
}

/**
 * The pipeline's offload stage (SPEC §9, "Large payloads"): between mapping and delivery, it moves the
 * configured part of each entry over the threshold to S3 and replaces the entry by its claim check.
 */
export type OffloadStage = (entries: readonly EventEntry[], deadline: Deadline) => Promise<OffloadResult>;
