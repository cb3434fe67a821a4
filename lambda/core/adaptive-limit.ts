/** Answers per sample of the throttled share: enough entries (10 per request) to tell 30 % from 20 %. */
const MIN_SAMPLE = 8;
/** A sample more throttled than the tolerated share by this much is a signal. */
const MARGIN = 0.1;
/** After a cut, throttling that stays above this fraction of its level did not come from our load. */
const UNCHANGED = 0.75;
/**
 * A share above this is never tolerated, even when it does not fall with the limit: most entries would
 * fail anyway, and backing off is what an overloaded service needs.
 */
const MAX_TOLERATED = 0.5;
/** How long a container trusts a share it found not to follow its load before probing it again. */
export const TOLERANCE_TTL_MS = 60_000;

/**
 * What a container learnt of the throttling across its batches: the share found not to fall with the
 * limit, and until when to trust it. Each batch's {@link AdaptiveLimit} starts from it, so that under
 * load-independent throttling only a container's first batch (and one a minute after) pays for the
 * probe that finds it out, as TCP keeps what it learnt of a route past one connection.
 */
export class ThrottleMemory {
  #share = 0;
  #until = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The share to tolerate from the start, 0 once it is older than {@link TOLERANCE_TTL_MS}. */
  get tolerated(): number {
    return this.now() < this.#until ? this.#share : 0;
  }

  /** A probe found `share` not to fall with the limit. */
  remember(share: number): void {
    this.#share = share;
    this.#until = this.now() + TOLERANCE_TTL_MS;
  }

  /** A probe found the share falling with the limit: the throttling follows the load now. */
  forget(): void {
    this.#until = 0;
  }
}

/**
 * Concurrency that adapts to throttling, additive-increase/multiplicative-decrease like TCP congestion
 * control: a throttled request halves the limit, every request answered without throttling grows it by
 * one over the current limit (about +1 per round of requests), never above the configured maximum.
 * A fixed concurrency either under-uses EventBridge's quota or keeps hammering it while it throttles.
 *
 * A request only partly throttled (some entries `ThrottlingException`, the rest accepted) is a milder
 * and noisier signal, and it need not come from our load: EventBridge may throttle a share of entries
 * whatever we send. So the limit samples the throttled share over a round of answers, and a share above
 * what it tolerates is a probe: it cuts the limit in proportion and samples again at the lower limit. If
 * the share fell, the throttling followed our load (a quota): the cut stays, nothing is tolerated any
 * more, and the probing goes on. If it did not, the cut only cost throughput: the limit goes back, and
 * that share is tolerated from then on, by this batch and (through a {@link ThrottleMemory}) by the
 * container's next ones for a minute, unless another probe of the batch saw the share fall. Without the
 * probe, load-independent throttling pinned the limit far below the maximum (2.2× slower than a fixed
 * 16 under 30 % random throttling, docs/performance.md).
 */
export class AdaptiveLimit {
  #limit: number;
  #window = 0;
  /** The throttled share seen not to fall with the limit. */
  #tolerated: number;
  /** The current sample: answers seen (to requests sent since the last cut), throttled share summed. */
  #sample = { answers: 0, throttled: 0 };
  /** Set once a probe saw the share fall with the limit. */
  #followsLoad = false;
  /** Consecutive samples above the tolerated share. */
  #highSamples = 0;
  /** Set while the answers at a lower limit are sampled: the limit and share before the cut. */
  #probe: { readonly limit: number; readonly share: number } | undefined;

  constructor(
    readonly max: number,
    private readonly memory?: ThrottleMemory,
  ) {
    this.#limit = max;
    this.#tolerated = memory?.tolerated ?? 0;
  }

  get current(): number {
    return Math.max(1, Math.floor(this.#limit));
  }

  /** Counts the cuts so far: read it when a request starts and hand it back to {@link onThrottled}. */
  get window(): number {
    return this.#window;
  }

  /**
   * A request was throttled: without arguments, refused as a whole (an HTTP-level `ThrottlingException`);
   * otherwise `share` is the throttled fraction of its entries, `sentInWindow` the {@link window}
   * when it was sent and `weight` its size against a full request (1 by default). Only a refused request
   * halves the limit at once: all entries of a small request (a retry of one or two entries) are
   * throttled often enough under load-independent throttling.
   */
  onThrottled(share = 1, sentInWindow?: number, weight = 1): void {
    if (sentInWindow === undefined) {
      this.#cut(this.#limit * 0.5);
      this.#probe = undefined;
      return;
    }
    this.#record(share, weight, sentInWindow);
  }

  /**
   * A request was answered: `share` is the fraction of its entries accepted (1 by default; less after
   * an {@link onThrottled} call for the same answer, which recorded its throttled share), `weight` its
   * size against a full request and `sentInWindow` the {@link window} when it was sent.
   */
  onSuccess(share = 1, weight = 1, sentInWindow = this.#window): void {
    this.#limit = Math.min(this.max, this.#limit + share / this.#limit);
    if (share >= 1) this.#record(0, weight, sentInWindow);
  }

  /**
   * An answer's throttled share into the sample, weighted by the request's size: the small retries at the
   * end of a batch throttle wholly or not at all, and counted as full answers they made a random share
   * look like a surge (a probe that cut the limit for the batch's last rounds). An answer to a request
   * sent before the last cut was sent at the old limit: not part of the sample.
   */
  #record(throttledShare: number, weight: number, sentInWindow: number): void {
    if (sentInWindow < this.#window) return;
    const sample = this.#sample;
    sample.answers += weight;
    sample.throttled += throttledShare * weight;
    const size = Math.max(MIN_SAMPLE, this.current);
    // A sample whose throttled answers already exceed what a full one may hold decides at once, so a
    // wave of fully throttled answers cuts after two of them, not after a round (unless probing).
    const decided = this.#probe === undefined && sample.throttled > (this.#tolerated + MARGIN) * size;
    if (sample.answers < size && !decided) return;
    const share = sample.throttled / sample.answers;
    this.#sample = { answers: 0, throttled: 0 };
    const probe = this.#probe;
    this.#probe = undefined;
    if (probe !== undefined) {
      if (share <= probe.share * UNCHANGED) {
        // The share fell with the limit: the throttling follows our load, whatever was tolerated before
        // (a quota's burst can make a probe look unchanged), and this batch teaches the container nothing.
        this.#followsLoad = true;
        this.#tolerated = 0;
        this.memory?.forget();
      } else if (share <= MAX_TOLERATED) {
        this.#tolerated = Math.max(this.#tolerated, share);
        if (!this.#followsLoad) this.memory?.remember(this.#tolerated);
        this.#limit = Math.max(this.#limit, probe.limit);
        return;
      }
    }
    // Two samples in a row: one high sample in a run of random throttling is common enough, and its
    // probe would then see the share "fall" back to its usual level and keep the cut.
    this.#highSamples = share > this.#tolerated + MARGIN ? this.#highSamples + 1 : 0;
    if (this.#highSamples >= 2) {
      this.#highSamples = 0;
      this.#probe = { limit: this.#limit, share };
      this.#cut(this.#limit * (1 - share));
    }
  }

  #cut(to: number): void {
    this.#sample = { answers: 0, throttled: 0 };
    this.#limit = Math.max(1, to);
    this.#window += 1;
  }
}
