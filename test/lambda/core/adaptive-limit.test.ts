import { describe, expect, it } from "vitest";
import { AdaptiveLimit, ThrottleMemory, TOLERANCE_TTL_MS } from "../../../lambda/core/adaptive-limit";

function succeed(limit: AdaptiveLimit, times: number): void {
  for (let i = 0; i < times; i++) limit.onSuccess();
}

/**
 * `count` answers with `share` of their entries throttled, as deliverEntries reports them, to requests
 * sent in window `sentIn` (by default the current one).
 */
function answer(limit: AdaptiveLimit, count: number, share: number, sentIn?: number): void {
  for (let i = 0; i < count; i++) {
    const window = sentIn ?? limit.window;
    if (share === 0) limit.onSuccess(1, 1, window);
    else {
      limit.onThrottled(share, window);
      limit.onSuccess(1 - share, 1, window);
    }
  }
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
    it("probes a throttled share by cutting the limit in proportion", () => {
      const limit = new AdaptiveLimit(16);
      answer(limit, 16, 0.3);
      expect(limit.current).toBe(11);
    });

    it("goes back and tolerates a share that does not fall with the limit", () => {
      const limit = new AdaptiveLimit(16);
      answer(limit, 16, 0.3, 0);
      expect(limit.current).toBe(11);
      // A sample at the lower limit (which grows as answers come): still 30 % throttled.
      answer(limit, 16, 0.3);
      expect(limit.current).toBe(16);
      answer(limit, 200, 0.3);
      expect(limit.current).toBe(16);
    });

    it("samples at the lower limit only the answers to requests sent after the cut", () => {
      const limit = new AdaptiveLimit(16);
      answer(limit, 16, 0.3, 0);
      expect(limit.current).toBe(11);
      // Answers to requests sent before the cut, unthrottled: they would make the share look fallen.
      answer(limit, 40, 0, 0);
      answer(limit, 16, 0.3);
      expect(limit.current).toBe(16);
    });

    it("keeps cutting while the share falls with the limit, as under a quota", () => {
      const limit = new AdaptiveLimit(16);
      answer(limit, 16, 0.5, 0);
      expect(limit.current).toBe(8);
      // At the lower limit nothing is throttled: the cut stays (the limit regrows by about one a round).
      answer(limit, 9, 0);
      const before = limit.current;
      expect(before).toBeLessThan(12);
      answer(limit, 16, 0.4, limit.window);
      expect(limit.current).toBeLessThan(before * 0.7);
    });

    it("never tolerates a share above half: the cut stays though it did not fall", () => {
      const limit = new AdaptiveLimit(16);
      answer(limit, 16, 0.8, 0);
      expect(limit.current).toBe(3);
      answer(limit, 32, 0.8);
      expect(limit.current).toBeLessThanOrEqual(4);
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
      answer(limit, 32, 0.33, 0);
      expect(limit.current).toBeLessThan(16);
    });

    it("counts a small request with every entry throttled as a sample, not a refusal", () => {
      const limit = new AdaptiveLimit(16);
      limit.onThrottled(1, limit.window);
      expect(limit.current).toBe(16);
    });
  });

  describe("a container's memory of the throttling", () => {
    /** One batch's limit learning that 30 % throttling does not follow its load. */
    function learn(memory: ThrottleMemory): void {
      const limit = new AdaptiveLimit(16, memory);
      answer(limit, 16, 0.3, 0);
      answer(limit, 16, 0.3, 1);
      expect(limit.current).toBe(16);
    }

    /** The limit after a round of answers 30 % throttled, from a limit that starts from `memory`. */
    function afterRandomRound(memory: ThrottleMemory): number {
      const limit = new AdaptiveLimit(16, memory);
      answer(limit, 32, 0.3, 0);
      return limit.current;
    }

    it("lets the next batch tolerate a share the last one found not to follow its load", () => {
      const memory = new ThrottleMemory();
      expect(afterRandomRound(memory)).toBeLessThan(16);
      learn(memory);
      expect(afterRandomRound(memory)).toBe(16);
    });

    it("forgets it after a minute, so that a quota that came since is probed again", () => {
      let now = 0;
      const memory = new ThrottleMemory(() => now);
      learn(memory);
      now += TOLERANCE_TTL_MS - 1;
      expect(afterRandomRound(memory)).toBe(16);
      now += 1;
      expect(afterRandomRound(memory)).toBeLessThan(16);
    });

    it("drops what it learnt once a probe finds the share following its load", () => {
      const memory = new ThrottleMemory();
      learn(memory);
      const limit = new AdaptiveLimit(16, memory);
      // Half the entries throttled (over the tolerated 30 %): a probe; at the lower limit none are.
      answer(limit, 32, 0.5, 0);
      expect(limit.window).toBe(1);
      answer(limit, 16, 0, 1);
      expect(memory.tolerated).toBe(0);
      expect(afterRandomRound(memory)).toBeLessThan(16);
    });

    it("learns nothing from a batch in which the share once fell with the limit", () => {
      const memory = new ThrottleMemory();
      const limit = new AdaptiveLimit(16, memory);
      // A probe that finds the share falling (a quota), then one that finds it unchanged.
      answer(limit, 32, 0.5, 0);
      answer(limit, 16, 0, 1);
      for (let i = 0; i < 400 && limit.window === 1; i++) answer(limit, 1, 0.3, 1);
      const cut = limit.current;
      answer(limit, 32, 0.3);
      // The second probe went back (the share did not fall), and the container learnt nothing.
      expect(limit.current).toBeGreaterThan(cut + 1);
      expect(memory.tolerated).toBe(0);
    });

    it("learns nothing from a share that fell with the limit", () => {
      const memory = new ThrottleMemory();
      const limit = new AdaptiveLimit(16, memory);
      for (let i = 0; i < 16; i++) limit.onThrottled(0.5, 0);
      for (let i = 0; i < 8; i++) limit.onSuccess(1, 1, 1);
      expect(memory.tolerated).toBe(0);
    });
  });
});
