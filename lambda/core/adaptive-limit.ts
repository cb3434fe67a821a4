/**
 * Concurrency that adapts to throttling, additive-increase/multiplicative-decrease like TCP congestion
 * control: a throttled request halves the limit, every request answered without throttling grows it by
 * one over the current limit (about +1 per round of requests), never above the configured maximum.
 * A fixed concurrency either under-uses EventBridge's quota or keeps hammering it while it throttles.
 *
 * A request only partly throttled (some entries `ThrottlingException`, the rest accepted) is a milder
 * signal: it cuts the limit by a quarter of the throttled share, at most once per window (requests
 * sent before the last cut carry news the cut already answered, as TCP reduces once per round trip),
 * and its accepted share counts toward growth. Without this, a steady trickle of throttled entries in
 * every request would pin the limit at 1.
 */
export class AdaptiveLimit {
  #limit: number;
  #window = 0;

  constructor(readonly max: number) {
    this.#limit = max;
  }

  get current(): number {
    return Math.max(1, Math.floor(this.#limit));
  }

  /** Counts the cuts so far: read it when a request starts and hand it back to {@link onThrottled}. */
  get window(): number {
    return this.#window;
  }

  /**
   * A request was throttled: `share` is the throttled fraction of its entries (1, the default, for a
   * whole request), `sentInWindow` the {@link window} when it was sent.
   */
  onThrottled(share = 1, sentInWindow?: number): void {
    if (share < 1 && sentInWindow !== undefined && sentInWindow < this.#window) return;
    this.#limit = Math.max(1, this.#limit * (share >= 1 ? 0.5 : 1 - share / 4));
    this.#window += 1;
  }

  /** A request was answered: `share` is the fraction of its entries accepted (1 by default). */
  onSuccess(share = 1): void {
    this.#limit = Math.min(this.max, this.#limit + share / this.#limit);
  }
}
