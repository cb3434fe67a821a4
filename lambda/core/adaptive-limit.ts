/**
 * Concurrency that adapts to throttling, additive-increase/multiplicative-decrease like TCP congestion
 * control: a throttled request halves the limit, every request answered without throttling grows it by
 * one over the current limit (about +1 per round of requests), never above the configured maximum.
 * A fixed concurrency either under-uses EventBridge's quota or keeps hammering it while it throttles.
 */
export class AdaptiveLimit {
  #limit: number;

  constructor(readonly max: number) {
    this.#limit = max;
  }

  get current(): number {
    return Math.max(1, Math.floor(this.#limit));
  }

  onThrottled(): void {
    this.#limit = Math.max(1, this.#limit / 2);
  }

  onSuccess(): void {
    this.#limit = Math.min(this.max, this.#limit + 1 / this.#limit);
  }
}
