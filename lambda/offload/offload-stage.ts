import type { OffloadConfig } from "../config";
import type { EventEntry } from "../core/map-entry";
import { type FormatSelector, formatFor } from "../core/record-format";
import { runBounded } from "../core/run-bounded";
import { DEADLINE_ERROR_CODE } from "../delivery/deadline";
import { failed, type RecordOutcome } from "../delivery/outcome";
import { POISON_CODES, PoisonRecordError } from "../errors";
import { type ClaimCheck, claimCheck } from "./claim-check";
import type { OffloadResult, OffloadStage } from "./claim-check-port";
import type { ClaimCheckStore } from "./claim-check-store";

export interface OffloadStageSettings {
  readonly offload: OffloadConfig;
  readonly maxRequestBytes: number;
  /** Most uploads in flight at once (`MAX_CONCURRENCY`). */
  readonly maxConcurrency: number;
  readonly valueFormat: FormatSelector;
}

function tooLarge(entry: EventEntry, why: string, maxRequestBytes: number): RecordOutcome {
  const error = new PoisonRecordError(
    POISON_CODES.entryTooLarge,
    entry.record,
    `entry of ${entry.size} bytes exceeds MAX_REQUEST_BYTES=${maxRequestBytes} ${why}`,
  );
  return { kind: "poison", error };
}

/**
 * The offload stage (SPEC §9), between mapping and delivery. Each entry larger than
 * `OFFLOAD_THRESHOLD_BYTES` gets its claim check: the part at `OFFLOAD_JSONPATH` goes to S3 under
 * `<prefix><topic>/<partition>/<offset>` and the entry is replaced by the smaller one that references it.
 * Uploads run concurrently, at most `MAX_CONCURRENCY` at once, and none starts once the deadline has
 * come; each is aborted at the deadline.
 *
 * Outcomes: an upload that fails is reported failed (retryable: the ESM redelivers the record and the
 * upload overwrites the same key), never dead-lettered and never sent without its payload. An entry over
 * `MAX_REQUEST_BYTES` that offloading cannot bring under it (nothing at the path, or the rest still too
 * large) is poison (`EntryTooLarge`), found before anything is uploaded. After a systemic failure
 * (access denied, no such bucket) the remaining uploads are not tried and their records are reported
 * failed with the same error.
 */
export function offloadStage(settings: OffloadStageSettings, store: ClaimCheckStore): OffloadStage {
  const { offload, maxRequestBytes } = settings;
  const claimCheckSettings = { bucket: store.bucket, prefix: offload.prefix, path: offload.path };

  return async (entries, deadline): Promise<OffloadResult> => {
    const outcomes = new Map<EventEntry, RecordOutcome>();
    const replaced = new Map<EventEntry, EventEntry>();
    const uploads: { readonly original: EventEntry; readonly claim: ClaimCheck }[] = [];
    for (const entry of entries) {
      if (entry.size <= offload.thresholdBytes) continue;
      const claim = claimCheck(
        entry,
        claimCheckSettings,
        formatFor(settings.valueFormat, entry.record.topic),
      );
      if (claim === undefined) {
        if (entry.size > maxRequestBytes) {
          outcomes.set(
            entry,
            tooLarge(entry, `and has nothing at ${offload.path.text} to offload`, maxRequestBytes),
          );
        }
      } else if (claim.entry.size > maxRequestBytes) {
        outcomes.set(
          entry,
          tooLarge(
            entry,
            `and is still ${claim.entry.size} bytes without ${offload.path.text}`,
            maxRequestBytes,
          ),
        );
      } else uploads.push({ original: entry, claim });
    }

    let stoppedBy: { readonly code: string; readonly message: string } | undefined;
    await runBounded(uploads, settings.maxConcurrency, async ({ original, claim }) => {
      if (stoppedBy !== undefined) {
        outcomes.set(
          original,
          failed(stoppedBy.code, `not offloaded after a systemic S3 error: ${stoppedBy.message}`),
        );
        return;
      }
      const budget = deadline.remainingMs();
      if (budget <= 0) {
        outcomes.set(
          original,
          failed(DEADLINE_ERROR_CODE, "not offloaded: the invocation deadline was too close"),
        );
        return;
      }
      const signal = AbortSignal.timeout(budget);
      const result = await store.put(claim.object, signal);
      if (result.ok) replaced.set(original, claim.entry);
      else if (signal.aborted) {
        outcomes.set(
          original,
          failed(DEADLINE_ERROR_CODE, `offload cut at the invocation deadline: ${result.message}`),
        );
      } else {
        if (result.systemic) stoppedBy ??= result;
        outcomes.set(original, failed(result.code, `offload to S3 failed: ${result.message}`));
      }
    });

    const deliverable: EventEntry[] = [];
    for (const entry of entries) {
      if (!outcomes.has(entry)) deliverable.push(replaced.get(entry) ?? entry);
    }
    return { entries: deliverable, outcomes };
  };
}
