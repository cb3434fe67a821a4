import type { RecordCoordinates } from "../core/kafka-event";
import { classifyEntryError } from "../core/put-events-errors";
import { POISON_CODES, PoisonRecordError, type RequestFailureKind } from "../errors";
import { failed, type RecordOutcome } from "./outcome";
import type { EntryResult } from "./publisher";

// The failure policy (README "Failure policy", SPEC §5) for what a PutEvents answer means, as pure
// decisions: deliver-entries.ts only carries them out.

/** What becomes of one entry of an answered request. */
export type EntryDecision =
  | { readonly kind: "delivered"; readonly eventId: string }
  | { readonly kind: "retry"; readonly code: string; readonly message: string }
  | { readonly kind: "poison"; readonly code: string; readonly message: string }
  | { readonly kind: "failed"; readonly code: string; readonly message: string };

/** An answer that lists fewer results than entries: the missing ones were not accepted. */
const NO_RESULT = { errorCode: "InternalFailure", errorMessage: "no result for this entry" } as const;

/**
 * Decides one entry from its result in a PutEvents answer, on its `retry`-th resend: delivered with
 * an EventId; retried while throttled or failing internally and retries remain, else failed; poison
 * for the codes that say the entry can never be accepted; failed for setup and unknown codes.
 */
export function decideEntry(
  result: EntryResult | undefined,
  retry: number,
  retriesMax: number,
): EntryDecision {
  if (result?.eventId !== undefined) return { kind: "delivered", eventId: result.eventId };
  const { errorCode: code, errorMessage: message } = result ?? NO_RESULT;
  switch (classifyEntryError(code)) {
    case "retry":
      return retry < retriesMax
        ? { kind: "retry", code, message }
        : { kind: "failed", code, message: `still failing after ${retriesMax} retries: ${message}` };
    case "poison":
      return { kind: "poison", code, message };
    case "fail":
      return { kind: "failed", code, message };
  }
}

/** What becomes of the entries of a request that failed as a whole. */
export type RequestDecision =
  /** Halve the request: too large, or invalid and the entry it is about is not found yet. */
  | { readonly kind: "split" }
  /** The one entry is too large for EventBridge: dead-letter it. */
  | { readonly kind: "poison"; readonly code: string; readonly message: string }
  /** A setup problem: these entries and everything not yet sent are reported failed. */
  | { readonly kind: "stop"; readonly code: string; readonly message: string }
  | { readonly kind: "retry" }
  | { readonly kind: "failed"; readonly code: string; readonly message: string };

/**
 * Decides a request of `entries` entries that failed as a whole with `failure`, on its `retry`-th
 * resend. Size is only a size problem (HTTP 413, a size message): a single entry that is still too
 * large is poison. A ValidationException that is not about size and remains on a single entry, which
 * passed the local checks of the PutEvents limits, is a setup problem (an invalid resource ARN, say):
 * it stops sending like access denied, so the batch is retried after the fix and never drained into
 * the dead-letter queue.
 */
export function decideRequestFailure(
  failure: { readonly kind: RequestFailureKind; readonly code: string; readonly message: string },
  entries: number,
  retry: number,
  retriesMax: number,
): RequestDecision {
  const { kind, code, message } = failure;
  switch (kind) {
    case "tooLarge":
      return entries > 1
        ? { kind: "split" }
        : { kind: "poison", code: POISON_CODES.entryTooLarge, message: `${code}: ${message}` };
    case "invalid":
      return entries > 1
        ? { kind: "split" }
        : {
            kind: "stop",
            code,
            message: `${message} (on a single entry that passed the local checks: a setup problem, sending stopped)`,
          };
    case "systemic":
      return { kind: "stop", code, message };
    case "retryable":
      return retry < retriesMax
        ? { kind: "retry" }
        : { kind: "failed", code, message: `still failing after ${retriesMax} retries: ${message}` };
  }
}

/** A decision that settles an entry: delivered, poison, or failed (`stop` fails it too). */
export type FinalDecision =
  | Extract<EntryDecision, { kind: "delivered" | "poison" | "failed" }>
  | Extract<RequestDecision, { kind: "poison" | "stop" | "failed" }>;

/** The outcome a settling decision gives the entry of `record`; `cause` is the request's failure. */
export function outcomeOf(
  decision: FinalDecision,
  record: RecordCoordinates,
  cause?: unknown,
): RecordOutcome {
  switch (decision.kind) {
    case "delivered":
      return decision;
    case "poison":
      return {
        kind: "poison",
        error: new PoisonRecordError(
          decision.code,
          record,
          decision.message,
          cause === undefined ? undefined : { cause },
        ),
      };
    case "stop":
    case "failed":
      return failed(decision.code, decision.message);
  }
}
