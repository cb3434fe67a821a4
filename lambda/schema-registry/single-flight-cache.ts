/** What a key's last load came to, as far as it has come. */
export type Settled<V> =
  | { readonly kind: "pending" }
  | { readonly kind: "ok"; readonly value: V }
  | { readonly kind: "failed"; readonly error: unknown };

interface Entry<V> {
  readonly promise: Promise<V>;
  settled: Settled<V>;
  /** Until when (clock ms) a failure is remembered; before it, `get` answers the failure without loading. */
  failedUntil: number;
}

export interface SingleFlightCacheOptions {
  /**
   * How long a load's failure is remembered, in ms: 0 forgets it at once (the next `get` loads again,
   * for a retryable failure), a positive value keeps an answer that will not change soon (an unknown schema).
   */
  readonly keepFailureMs: (error: unknown) => number;
  readonly now?: () => number;
}

/**
 * A cache for the container's life in which concurrent `get`s of one key share one load (single flight).
 * A success is kept for good; a failure as long as `keepFailureMs` says. `settled` reads what a key came
 * to synchronously, for the decoder's `render`.
 */
export class SingleFlightCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #options: SingleFlightCacheOptions;
  readonly #now: () => number;

  constructor(options: SingleFlightCacheOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The value of `key`: the cached one, the load in flight, or a new load. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const existing = this.#entries.get(key);
    if (existing !== undefined && (existing.settled.kind !== "failed" || this.#now() < existing.failedUntil))
      return existing.promise;
    const entry: Entry<V> = { promise: load(), settled: { kind: "pending" }, failedUntil: 0 };
    // Registered before any caller's continuation, so `settled` is current when their `await` resumes.
    entry.promise.then(
      (value) => {
        entry.settled = { kind: "ok", value };
      },
      (error: unknown) => {
        entry.settled = { kind: "failed", error };
        entry.failedUntil = this.#now() + this.#options.keepFailureMs(error);
      },
    );
    this.#entries.set(key, entry);
    return entry.promise;
  }

  /** What the last load of `key` came to, or undefined if it was never loaded. */
  settled(key: string): Settled<V> | undefined {
    return this.#entries.get(key)?.settled;
  }
}
