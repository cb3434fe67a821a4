import { AdaptiveLimit } from "../core/adaptive-limit";
import { backoffDelay } from "../core/backoff";
import type { EventEntry } from "../core/map-entry";
import { PUT_EVENTS_MAX_ENTRIES, packRequests } from "../core/pack-requests";
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
  /** How many times these entries were sent before (retries share a backoff and a retry budget). */
  readonly retry: number;
  /** Half of a request rejected as too large: never merged back with others. */
  readonly split?: boolean;
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
 *
 * A retry waits out its backoff without holding a concurrency slot, and retried entries that are due at
 * the same time travel together: under throttling the slots keep sending instead of sleeping.
 */
export async function deliverEntries(
  entries: readonly EventEntry[],
  publisher: Publisher,
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  const { deadline, retriesMax, retryDelayMs, maxRequestBytes } = options;
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  const outcomes = new Map<EventEntry, RecordOutcome>();
  const limit = new AdaptiveLimit(options.maxConcurrency);
  const ready: Job[] = packRequests(entries, maxRequestBytes).map((request) => ({
    entries: request,
    retry: 0,
  }));
  let requests = 0;
  let throttledEntries = 0;
  let retriedEntries = 0;
  let stoppedBy: RequestFailedError | undefined;
  let inFlight = 0;
  let waiting = 0;
  let done: () => void = () => undefined;

  const settle = (items: readonly EventEntry[], outcome: (item: EventEntry) => RecordOutcome) => {
    for (const item of items) outcomes.set(item, outcome(item));
  };
  const deadlineReached = () =>
    failed(DEADLINE_ERROR_CODE, "not sent: the invocation deadline was too close");

  /** Queues `items` for retry number `retry + 1` after a backoff; fails them when the wait would run into the deadline. */
  const retryLater = (items: readonly EventEntry[], retry: number): void => {
    const delay = backoffDelay(retry, retryDelayMs, random);
    if (delay >= deadline.remainingMs()) {
      settle(items, deadlineReached);
      return;
    }
    waiting += 1;
    sleep(delay)
      .then(
        () => {
          retriedEntries += items.length;
          ready.unshift({ entries: items, retry: retry + 1 });
        },
        (error: unknown) => {
          const failure = asRequestFailure(error);
          settle(items, () => failed(failure.code, failure.message));
        },
      )
      .finally(() => {
        waiting -= 1;
        pump();
      });
  };

  /** The next request: a retry takes along other retries that are due, up to the request limits. */
  const nextJob = (): Job => {
    const job = ready.shift() as Job;
    if (job.retry === 0 || job.split || job.entries.length >= PUT_EVENTS_MAX_ENTRIES) return job;
    const merged = [...job.entries];
    let bytes = merged.reduce((total, item) => total + item.size, 0);
    for (let index = 0; index < ready.length && merged.length < PUT_EVENTS_MAX_ENTRIES; ) {
      const other = ready[index] as Job;
      const otherBytes = other.entries.reduce((total, item) => total + item.size, 0);
      if (
        other.retry === job.retry &&
        !other.split &&
        merged.length + other.entries.length <= PUT_EVENTS_MAX_ENTRIES &&
        bytes + otherBytes <= maxRequestBytes
      ) {
        merged.push(...other.entries);
        bytes += otherBytes;
        ready.splice(index, 1);
      } else index += 1;
    }
    return { entries: merged, retry: job.retry };
  };

  const runJob = async (job: Job): Promise<void> => {
    const pending = job.entries;
    const { retry } = job;
    if (stoppedBy) {
      const { code, message } = stoppedBy;
      return settle(pending, () => failed(code, `not sent after a systemic error: ${message}`));
    }
    const budget = deadline.remainingMs();
    if (budget <= 0) return settle(pending, deadlineReached);

    const window = limit.window;
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
        ready.unshift(
          { entries: pending.slice(0, half), retry, split: true },
          { entries: pending.slice(half), retry, split: true },
        );
        return;
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
      return retryLater(pending, retry);
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
    if (throttled === 0) limit.onSuccess();
    else {
      const share = throttled / pending.length;
      limit.onThrottled(share, window);
      if (share < 1) limit.onSuccess(1 - share);
    }

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
    retryLater(again, retry);
  };

  function pump(): void {
    while (inFlight < limit.current && ready.length > 0) {
      const job = nextJob();
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
    if (inFlight === 0 && waiting === 0 && ready.length === 0) done();
  }

  await new Promise<void>((resolve) => {
    done = resolve;
    pump();
  });

  return { outcomes, requests, throttledEntries, retriedEntries };
}
