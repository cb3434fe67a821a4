import type { EventEntry } from "../core/map-entry";
import { PUT_EVENTS_MAX_ENTRIES } from "../core/pack-requests";

/** Entries to send in one request. */
export interface Job {
  readonly entries: readonly EventEntry[];
  /** How many times these entries were sent before (retries share a backoff and a retry budget). */
  readonly retry: number;
  /** Half of a split request: never merged back with others. */
  readonly split?: boolean;
}

function bytesOf(entries: readonly EventEntry[]): number {
  let bytes = 0;
  for (const item of entries) bytes += item.size;
  return bytes;
}

/**
 * The requests waiting to be sent: the packed requests first, then retries as their backoff ends.
 * A retry waits without holding a concurrency slot, and retries that are due together travel in one
 * request (up to 10 entries and `maxRequestBytes`): under throttling the slots keep sending.
 */
export class RetryQueue {
  readonly #ready: Job[];
  readonly #maxRequestBytes: number;
  #waiting = 0;

  constructor(requests: readonly (readonly EventEntry[])[], maxRequestBytes: number) {
    this.#ready = requests.map((entries) => ({ entries, retry: 0 }));
    this.#maxRequestBytes = maxRequestBytes;
  }

  /** Whether a job can be taken now. */
  get hasReady(): boolean {
    return this.#ready.length > 0;
  }

  /** Whether nothing is ready and no retry is waiting out its backoff. */
  get isEmpty(): boolean {
    return this.#ready.length === 0 && this.#waiting === 0;
  }

  /** Puts the halves of a split request at the front, to be sent next. */
  unshiftSplit(entries: readonly EventEntry[], retry: number): void {
    const half = Math.ceil(entries.length / 2);
    this.#ready.unshift(
      { entries: entries.slice(0, half), retry, split: true },
      { entries: entries.slice(half), retry, split: true },
    );
  }

  /** Queues `entries` for resend number `retry` once `backoff` resolves; rejects when it does. */
  async after(backoff: Promise<void>, entries: readonly EventEntry[], retry: number): Promise<void> {
    this.#waiting += 1;
    try {
      await backoff;
      this.#ready.unshift({ entries, retry });
    } finally {
      this.#waiting -= 1;
    }
  }

  /** The next request; a retry takes along other retries due with the same count, up to the request limits. */
  next(): Job | undefined {
    const job = this.#ready.shift();
    if (job === undefined || job.retry === 0 || job.split || job.entries.length >= PUT_EVENTS_MAX_ENTRIES)
      return job;
    const merged = [...job.entries];
    let bytes = bytesOf(merged);
    for (let index = 0; index < this.#ready.length && merged.length < PUT_EVENTS_MAX_ENTRIES; ) {
      const other = this.#ready[index] as Job;
      const otherBytes = bytesOf(other.entries);
      if (
        other.retry === job.retry &&
        !other.split &&
        merged.length + other.entries.length <= PUT_EVENTS_MAX_ENTRIES &&
        bytes + otherBytes <= this.#maxRequestBytes
      ) {
        merged.push(...other.entries);
        bytes += otherBytes;
        this.#ready.splice(index, 1);
      } else index += 1;
    }
    return { entries: merged, retry: job.retry };
  }
}
