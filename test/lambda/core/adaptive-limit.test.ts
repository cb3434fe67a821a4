import { describe, expect, it } from "vitest";
import { AdaptiveLimit } from "../../../lambda/core/adaptive-limit";

function succeed(limit: AdaptiveLimit, times: number): void {
  for (let i = 0; i < times; i++) limit.onSuccess();
}

/** One round: as many successful requests as the limit lets run at once. */
function round(limit: AdaptiveLimit): void {
  succeed(limit, limit.current);
}

describe("AdaptiveLimit", () => {
  it("starts at the configured maximum", () => {
    expect(new AdaptiveLimit(16).current).toBe(16);
  });

  it("halves on each throttle, never below 1", () => {
    const limit = new AdaptiveLimit(16);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      limit.onThrottled();
      seen.push(limit.current);
    }
    expect(seen).toEqual([8, 4, 2, 1, 1, 1]);
  });

  it("rounds a fractional limit down", () => {
    const limit = new AdaptiveLimit(5);
    limit.onThrottled();
    expect(limit.current).toBe(2);
  });

  it("grows by about one per round of successes", () => {
    const limit = new AdaptiveLimit(64);
    for (let i = 0; i < 3; i++) limit.onThrottled();
    expect(limit.current).toBe(8);
    const after: number[] = [];
    for (let i = 0; i < 10; i++) {
      const before = limit.current;
      round(limit);
      expect(limit.current - before).toBeLessThanOrEqual(1);
      after.push(limit.current);
    }
    expect(after.at(-1)).toBeGreaterThanOrEqual(8 + 8);
    expect(after.at(-1)).toBeLessThanOrEqual(8 + 10);
  });

  it("grows from 1 after a single success", () => {
    const limit = new AdaptiveLimit(4);
    for (let i = 0; i < 3; i++) limit.onThrottled();
    expect(limit.current).toBe(1);
    limit.onSuccess();
    expect(limit.current).toBe(2);
  });

  it("never grows above the maximum", () => {
    const limit = new AdaptiveLimit(4);
    succeed(limit, 1_000);
    expect(limit.current).toBe(4);
    limit.onThrottled();
    succeed(limit, 1_000);
    expect(limit.current).toBe(4);
  });

  it("stays at 1 with a maximum of 1", () => {
    const limit = new AdaptiveLimit(1);
    limit.onThrottled();
    succeed(limit, 10);
    expect(limit.current).toBe(1);
  });

  describe("partly throttled answers", () => {
    /** `count` answers with `share` of their entries throttled, as deliverEntries reports them. */
    function answer(limit: AdaptiveLimit, count: number, share: number): void {
      for (let i = 0; i < count; i++) {
        if (share === 0) limit.onSuccess();
        else {
          limit.onThrottled(share, limit.window);
          limit.onSuccess(1 - share);
        }
      }
    }

    it("probes a throttled share by cutting the limit in proportion", () => {
      const limit = new AdaptiveLimit(16);
      answer(limit, 16, 0.3);
      expect(limit.current).toBe(11);
    });

    it("goes back and tolerates a share that does not fall with the limit", () => {
      const limit = new AdaptiveLimit(16);
      answer(limit, 16, 0.3);
      expect(limit.current).toBe(11);
      // The answers in flight at the cut, then a sample at the lower limit: still 30 % throttled.
      answer(limit, 16 + 13, 0.3);
      expect(limit.current).toBe(16);
      answer(limit, 200, 0.3);
      expect(limit.current).toBe(16);
    });

    it("keeps cutting while the share falls with the limit, as under a quota", () => {
      const limit = new AdaptiveLimit(16);
      answer(limit, 16, 0.5);
      expect(limit.current).toBe(8);
      // At the lower limit nothing is throttled: the cut stays (the limit regrows by about one a round).
      answer(limit, 16 + 9, 0);
      const before = limit.current;
      expect(before).toBeLessThan(12);
      answer(limit, 16, 0.4);
      expect(limit.current).toBeLessThan(before * 0.7);
    });

    it("still halves at once when a request is refused as a whole", () => {
      const limit = new AdaptiveLimit(16);
      answer(limit, 16, 0.3);
      answer(limit, 200, 0.3);
      limit.onThrottled();
      expect(limit.current).toBe(8);
    });

    it("weighs an answer by its request's size, so that small retries throttled at random do not trigger a probe", () => {
      const limit = new AdaptiveLimit(16);
      // 40 one-entry retries, every third wholly throttled: counted as full answers, two high samples and a cut.
      for (let i = 0; i < 40; i++) {
        if (i % 3 === 0) limit.onThrottled(1, limit.window, 0.1);
        else limit.onSuccess(1, 0.1);
      }
      expect(limit.current).toBe(16);
      // Full requests throttled as much do.
      answer(limit, 32, 0.33);
      expect(limit.current).toBeLessThan(16);
    });

    it("counts a small request with every entry throttled as a sample, not a refusal", () => {
      const limit = new AdaptiveLimit(16);
      limit.onThrottled(1, limit.window);
      expect(limit.current).toBe(16);
    });
  });
});
