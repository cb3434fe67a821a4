import { defaultMaxListeners, setMaxListeners } from "node:events";
import { AdaptiveLimit, type ThrottleMemory } from "../core/adaptive-limit";
import { backoffDelay } from "../core/backoff";
import type { EventEntry } from "../core/map-entry";
import { PUT_EVENTS_MAX_ENTRIES, packRequests } from "../core/pack-requests";
import { THROTTLING_ERROR_CODE } from "../core/put-events-errors";
import { RequestFailedError } from "../errors";
import { DEADLINE_ERROR_CODE, type Deadline } from "./deadline";
import { decideEntry, decideRequestFailure, outcomeOf } from "./entry-decisions";
import { failed, type RecordOutcome } from "./outcome";
import type { EntryResult, Publisher } from "./publisher";
import { type Job, RetryQueue } from "./retry-queue";

export interface DeliveryOptions {
  readonly maxRequestBytes: number;
  readonly maxConcurrency: number;
  readonly retriesMax: number;
  readonly retryDelayMs: number;
  readonly deadline: Deadline;
  /** What earlier deliveries of this container learnt of the throttling; none: each starts afresh. */
  readonly throttleMemory?: ThrottleMemory;
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

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function asRequestFailure(error: unknown): RequestFailedError {
  if (error instanceof RequestFailedError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RequestFailedError("retryable", "UnknownError", message, { cause: error });
}

const DEADLINE_REACHED = failed(DEADLINE_ERROR_CODE, "not sent: the invocation deadline was too close");

/**
 * Sends entries to EventBridge (SPEC §4): packed into size-aware requests, several in flight under an
 * adaptive concurrency limit, failed entries alone retried with backoff and jitter (a {@link RetryQueue}),
 * too-large requests split, and nothing started that the deadline would cut. What each answer means
 * is decided by {@link decideEntry} and {@link decideRequestFailure}. Every entry gets exactly one
 * outcome; the returned promise never rejects.
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
  const limit = new AdaptiveLimit(options.maxConcurrency, options.throttleMemory);
  const queue = new RetryQueue(packRequests(entries, maxRequestBytes), maxRequestBytes);
  const stats = { requests: 0, throttledEntries: 0, retriedEntries: 0 };
  // One signal for every request of the delivery, aborted at the deadline: a timer per request was
  // about 14 ms of the bench batch's CPU. A job starts only while time is left (runJob).
  const atDeadline = AbortSignal.timeout(Math.max(1, deadline.remainingMs()));
  // Each request in flight listens to it once (its exchange or its retry's sleep); Node.js before 24
  // warns of a leak past 10 listeners.
  setMaxListeners(Math.max(options.maxConcurrency, defaultMaxListeners), atDeadline);
  /** The setup error that stopped sending: every later job is failed with it. */
  let stoppedBy: { readonly code: string; readonly message: string } | undefined;

  const settle = (items: readonly EventEntry[], outcome: RecordOutcome) => {
    for (const item of items) outcomes.set(item, outcome);
  };

  /** Resends `items` after a backoff (holding no concurrency slot), unless the wait would run into the deadline. */
  const retryLater = (items: readonly EventEntry[], retry: number): void => {
    const delay = backoffDelay(retry, retryDelayMs, random);
    if (delay >= deadline.remainingMs()) {
      settle(items, DEADLINE_REACHED);
      return;
    }
    stats.retriedEntries += items.length;
    queue
      .after(sleep(delay), items, retry + 1)
      .catch((error: unknown) => {
        const failure = asRequestFailure(error);
        settle(items, failed(failure.code, failure.message));
      })
      .finally(pump);
  };

  const onRequestFailed = (job: Job, failure: RequestFailedError): void => {
    if (failure.code === THROTTLING_ERROR_CODE) {
      limit.onThrottled();
      stats.throttledEntries += job.entries.length;
    }
    const decision = decideRequestFailure(failure, job.entries.length, job.retry, retriesMax);
    switch (decision.kind) {
      case "split":
        queue.unshiftSplit(job.entries, job.retry);
        break;
      case "retry":
        retryLater(job.entries, job.retry);
        break;
      default:
        if (decision.kind === "stop") stoppedBy ??= decision;
        for (const item of job.entries) outcomes.set(item, outcomeOf(decision, item.record, failure));
    }
  };

  const onAnswered = (job: Job, results: readonly EntryResult[], window: number): void => {
    const again: EventEntry[] = [];
    let throttled = 0;
    job.entries.forEach((item, index) => {
      const result = results[index];
      if (result?.errorCode === THROTTLING_ERROR_CODE) throttled += 1;
      const decision = decideEntry(result, job.retry, retriesMax);
      if (decision.kind === "retry") again.push(item);
      else outcomes.set(item, outcomeOf(decision, item.record));
    });
    stats.throttledEntries += throttled;
    const weight = job.entries.length / PUT_EVENTS_MAX_ENTRIES;
    if (throttled === 0) limit.onSuccess(1, weight, window);
    else {
      const share = throttled / job.entries.length;
      limit.onThrottled(share, window, weight);
      if (share < 1) limit.onSuccess(1 - share, weight, window);
    }
    if (again.length > 0) retryLater(again, job.retry);
  };

  /** Sends one job; resolves once its entries have an outcome or are queued again. */
  const runJob = async (job: Job): Promise<void> => {
    if (stoppedBy !== undefined) {
      const { code, message } = stoppedBy;
      return settle(job.entries, failed(code, `not sent after a setup error: ${message}`));
    }
    if (deadline.remainingMs() <= 0) return settle(job.entries, DEADLINE_REACHED);
    const window = limit.window;
    stats.requests += 1;
    let results: readonly EntryResult[];
    try {
      results = await publisher.publish(
        job.entries.map((item) => item.entry),
        atDeadline,
      );
    } catch (error) {
      return onRequestFailed(job, asRequestFailure(error));
    }
    return onAnswered(job, results, window);
  };

  let inFlight = 0;
  let done: () => void = () => undefined;
  /** Starts jobs while the concurrency limit allows; resolves the delivery once nothing is left. */
  function pump(): void {
    while (inFlight < limit.current && queue.hasReady) {
      const job = queue.next() as Job;
      inFlight += 1;
      void runJob(job)
        .catch((error: unknown) => {
          // Every path settles or requeues its entries; this guards against a bug losing records.
          const failure = asRequestFailure(error);
          const unsettled = job.entries.filter((item) => !outcomes.has(item));
          settle(unsettled, failed(failure.code, failure.message));
        })
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
    if (inFlight === 0 && queue.isEmpty) done();
  }
  await new Promise<void>((resolve) => {
    done = resolve;
    pump();
  });

  return { outcomes, ...stats };
}
