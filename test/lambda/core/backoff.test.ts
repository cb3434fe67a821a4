import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay, MAX_BACKOFF_MS } from "../../../lambda/core/backoff";

const justBelowOne = 1 - Number.EPSILON;

describe("backoffDelay", () => {
  it("is 0 when the random draw is 0", () => {
    expect(backoffDelay(0, 200, () => 0)).toBe(0);
    expect(backoffDelay(5, 200, () => 0)).toBe(0);
  });

  it.each([
    [0, 199],
    [1, 399],
    [2, 799],
    [3, 1_599],
  ])("stays below base × 2^retry (retry %i: at most %i ms with base 200)", (retry, highest) => {
    expect(backoffDelay(retry, 200, () => justBelowOne)).toBe(highest);
  });

  it("scales the draw over the whole range (full jitter)", () => {
    expect(backoffDelay(2, 100, () => 0.5)).toBe(200);
    expect(backoffDelay(1, 200, () => 0.25)).toBe(100);
  });

  it("caps the range at MAX_BACKOFF_MS", () => {
    expect(backoffDelay(20, 200, () => justBelowOne)).toBe(MAX_BACKOFF_MS - 1);
    expect(backoffDelay(60, 60_000, () => 0.5)).toBe(MAX_BACKOFF_MS / 2);
  });

  it("is 0 with a base of 0", () => {
    expect(backoffDelay(3, 0, () => 0.9)).toBe(0);
  });

  it("returns an integer in [0, min(cap, base × 2^retry)) for any draw", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, base, draw) => {
          const delay = backoffDelay(retry, base, () => draw);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.min(MAX_BACKOFF_MS, base * 2 ** retry));
        },
      ),
    );
  });

  it("is deterministic for an injected random and varies with Math.random by default", () => {
    expect(backoffDelay(2, 200, () => 0.3)).toBe(backoffDelay(2, 200, () => 0.3));
    const delays = Array.from({ length: 200 }, () => backoffDelay(4, 200));
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(0);
    for (const delay of delays) expect(delay).toBeLessThan(3_200);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});
