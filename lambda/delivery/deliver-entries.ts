import { AdaptiveLimit } from "../core/adaptive-limit";
import { backoffDelay } from "../core/backoff";
import type { EventEntry } from "../core/map-entry";
import { packRequests } from "../core/pack-requests";
import { classifyEntryError, THROTTLING_ERROR_CODE } from "../core/put-events-errors";
import { POISON_CODES, PoisonRecordError, RequestFailedError } from "../errors";
import { DEADLINE_ERROR_CODE, type Deadline } from "./deadline";
import { failed, type RecordOutcome } from "./outcome";
import type { EntryResult, Publisher } from "./publisher";

export interface DeliveryOptions {
  readonly maxRequestBytes: number;
  readonly maxConcurrency: number;
  readonly retriesMax: number;
  readonly retryDelayMs: number;
  readonly deadline: Deadline;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface DeliveryReport {
  /** One outcome per entry: delivered, poison (for the dead-letter queue) or failed. */
  readonly outcomes: Map<EventEntry, RecordOutcome>;
  readonly requests: number;
  readonly throttledEntries: number;
  /** Entries sent again after a retryable failure (counted once per resend). */
  readonly retriedEntries: number;
}

interface Job {
  readonly entries: readonly EventEntry[];
  readonly retry: number;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function asRequestFailure(error: unknown): RequestFailedError {
  if (error instanceof RequestFailedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RequestFailedError("retryable", "UnknownError", message, { cause: error });
}

/**
 * Sends entries to EventBridge (SPEC §4): packed into size-aware requests, several in flight under an
 * adaptive concurrency limit, failed entries alone retried with backoff and jitter, too-large requests
 * split, and nothing started that the deadline would cut. Every entry gets exactly one outcome; the
 * returned promise never rejects.
 */
export async function deliverEntries(
  entries: readonly EventEntry[],
  publisher: Publisher,
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const { deadline, retriesMax, retryDelayMs } = options;
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  const outcomes = new Map<EventEntry, RecordOutcome>();
  const limit = new AdaptiveLimit(options.maxConcurrency);
  const queue: Job[] = packRequests(entries, options.maxRequestBytes).map((request) => ({
    entries: request,
    retry: 0,
  }));
  let requests = 0;
  let throttledEntries = 0;
  let retriedEntries = 0;
  let stoppedBy: RequestFailedError | undefined;

  const settle = (items: readonly EventEntry[], outcome: (item: EventEntry) => RecordOutcome) => {
    for (const item of items) outcomes.set(item, outcome(item));
  };
  const deadlineReached = () =>
    failed(DEADLINE_ERROR_CODE, "not sent: the invocation deadline was too close");

  /** Waits before retry number `retry`; false when the wait would run into the deadline. */
  const backoff = async (retry: number): Promise<boolean> => {
    const delay = backoffDelay(retry, retryDelayMs, random);
    if (delay >= deadline.remainingMs()) return false;
    await sleep(delay);
    return true;
  };

  const runJob = async (job: Job): Promise<void> => {
    let pending = job.entries;
    let retry = job.retry;
    while (pending.length > 0) {
      if (stoppedBy) {
        const { code, message } = stoppedBy;
        return settle(pending, () => failed(code, `not sent after a systemic error: ${message}`));
      }
      const budget = deadline.remainingMs();
      if (budget <= 0) return settle(pending, deadlineReached);

      let results: readonly EntryResult[];
      try {
        requests += 1;
        results = await publisher.publish(
          pending.map((item) => item.entry),
          AbortSignal.timeout(budget),
        );
      } catch (error) {
        const failure = asRequestFailure(error);
        if (failure.kind === "tooLarge") {
          if (pending.length === 1) {
            return settle(
              pending,
              (item) =>
                ({
                  kind: "poison",
                  error: new PoisonRecordError(POISON_CODES.entryTooLarge, item.record, failure.message, {
                    cause: failure,
                  }),
                }) as const,
            );
          }
          const half = Math.ceil(pending.length / 2);
          queue.unshift({ entries: pending.slice(half), retry });
          pending = pending.slice(0, half);
          continue;
        }
        if (failure.kind === "systemic") {
          stoppedBy ??= failure;
          return settle(pending, () => failed(failure.code, failure.message));
        }
        if (failure.code === THROTTLING_ERROR_CODE) {
          limit.onThrottled();
          throttledEntries += pending.length;
        }
        if (retry >= retriesMax) return settle(pending, () => failed(failure.code, failure.message));
        if (!(await backoff(retry++))) return settle(pending, deadlineReached);
        retriedEntries += pending.length;
        continue;
      }

      const again: EventEntry[] = [];
      const lastError = new Map<EventEntry, { code: string; message: string }>();
      let throttled = 0;
      pending.forEach((item, index) => {
        const result = results[index] ?? {
          errorCode: "InternalFailure",
          errorMessage: "no result for this entry",
        };
        if (result.eventId !== undefined) {
          outcomes.set(item, { kind: "delivered", eventId: result.eventId });
          return;
        }
        const { errorCode: code, errorMessage: message } = result;
        if (code === THROTTLING_ERROR_CODE) throttled += 1;
        switch (classifyEntryError(code)) {
          case "retry":
            again.push(item);
            lastError.set(item, { code, message });
            return;
          case "poison":
            outcomes.set(item, { kind: "poison", error: new PoisonRecordError(code, item.record, message) });
            return;
          case "fail":
            outcomes.set(item, failed(code, message));
        }
      });
      throttledEntries += throttled;
      if (throttled > 0) limit.onThrottled();
      else limit.onSuccess();

      if (again.length === 0) return;
      if (retry >= retriesMax) {
        return settle(again, (item) => {
          const error = lastError.get(item);
          return failed(
            error?.code ?? "InternalFailure",
            `still failing after ${retriesMax} retries: ${error?.message}`,
          );
        });
      }
      if (!(await backoff(retry++))) return settle(again, deadlineReached);
      retriedEntries += again.length;
      pending = again;
    }
  };

  await new Promise<void>((resolve) => {
    let inFlight = 0;
    const pump = () => {
      while (inFlight < limit.current && queue.length > 0) {
        const job = queue.shift() as Job;
        inFlight += 1;
        void runJob(job)
          .catch((error: unknown) => {
            // runJob settles everything it is given; this only guards against a bug losing records.
            const failure = asRequestFailure(error);
            settle(
              job.entries.filter((item) => !outcomes.has(item)),
              () => failed(failure.code, failure.message),
            );
          })
          .finally(() => {
            inFlight -= 1;
            pump();
          });
      }
      if (inFlight === 0 && queue.length === 0) resolve();
    };
    pump();
  });

  return { outcomes, requests, throttledEntries, retriedEntries };
}
