import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PUT_EVENTS_MAX_ENTRIES, packRequests } from "../../../lambda/core/pack-requests";

interface Item {
  readonly id: number;
  readonly size: number;
}

const items = (sizes: readonly number[]): Item[] => sizes.map((size, id) => ({ id, size }));
const ids = (requests: Item[][]) => requests.map((request) => request.map((item) => item.id));
const bytesOf = (request: readonly Item[]) => request.reduce((sum, item) => sum + item.size, 0);

/** Packing in arrival order, closing a request when the next entry does not fit: what packRequests must beat. */
function arrivalOrderCount(sizes: readonly number[], maxBytes: number, maxEntries = 10): number {
  let count = 0;
  let bytes = Infinity;
  let entries = Infinity;
  for (const size of sizes) {
    if (bytes + size > maxBytes || entries === maxEntries) {
      count += 1;
      bytes = 0;
      entries = 0;
    }
    bytes += size;
    entries += 1;
  }
  return count;
}

const packingCase = fc
  .record({
    maxBytes: fc.integer({ min: 1, max: 1_048_575 }),
    maxEntries: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
  })
  .chain(({ maxBytes, maxEntries }) =>
    fc.record({
      maxBytes: fc.constant(maxBytes),
      maxEntries: fc.constant(maxEntries),
      sizes: fc.array(
        fc.oneof(
          fc.integer({ min: 0, max: maxBytes }),
          fc.integer({ min: Math.floor(maxBytes / 3), max: maxBytes }),
          fc.constant(maxBytes),
        ),
        { maxLength: 80 },
      ),
    }),
  );

describe("packRequests", () => {
  it("keeps every entry exactly once and never exceeds the entry or byte limits, keeping input order inside a request", () => {
    fc.assert(
      fc.property(packingCase, ({ maxBytes, maxEntries, sizes }) => {
        const requests = packRequests(items(sizes), maxBytes, maxEntries);
        const limit = maxEntries ?? PUT_EVENTS_MAX_ENTRIES;
        expect(
          ids(requests)
            .flat()
            .sort((a, b) => a - b),
        ).toEqual(sizes.map((_, id) => id));
        for (const request of requests) {
          expect(request.length).toBeGreaterThan(0);
          expect(request.length).toBeLessThanOrEqual(limit);
          expect(bytesOf(request)).toBeLessThanOrEqual(maxBytes);
          const order = request.map((item) => item.id);
          expect(order).toEqual([...order].sort((a, b) => a - b));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("orders requests by their first entry", () => {
    fc.assert(
      fc.property(packingCase, ({ maxBytes, maxEntries, sizes }) => {
        const firsts = ids(packRequests(items(sizes), maxBytes, maxEntries)).map((request) => request[0]);
        expect(firsts).toEqual([...firsts].sort((a, b) => (a ?? 0) - (b ?? 0)));
      }),
    );
  });

  it("never leaves two requests that could have been merged", () => {
    fc.assert(
      fc.property(packingCase, ({ maxBytes, maxEntries, sizes }) => {
        const limit = maxEntries ?? PUT_EVENTS_MAX_ENTRIES;
        const requests = packRequests(items(sizes), maxBytes, maxEntries);
        for (const [i, a] of requests.entries()) {
          for (const b of requests.slice(i + 1)) {
            const mergeable = a.length + b.length <= limit && bytesOf(a) + bytesOf(b) <= maxBytes;
            expect(mergeable).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("returns no request for no entries", () => {
    expect(packRequests([], 1_048_575)).toEqual([]);
  });

  it("packs 25 small entries into 3 requests of at most 10", () => {
    const requests = packRequests(items(Array(25).fill(100)), 1_048_575);
    expect(requests).toHaveLength(3);
    expect(Math.max(...requests.map((request) => request.length))).toBeLessThanOrEqual(10);
    expect(
      ids(requests)
        .flat()
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 25 }, (_, id) => id));
  });

  it("defaults to 10 entries per request", () => {
    const requests = packRequests(items(Array(11).fill(1)), 1_048_575);
    expect(requests).toHaveLength(2);
    expect(Math.max(...requests.map((request) => request.length))).toBeLessThanOrEqual(10);
  });

  it("packs mixed big and small entries into fewer requests than arrival order", () => {
    const sizes = [600_000, 600_000, 400_000, 400_000];
    expect(arrivalOrderCount(sizes, 1_048_575)).toBe(3);
    // Each 600 KB entry shares a request with a 400 KB one (which pair goes together is a tie).
    const requests = ids(packRequests(items(sizes), 1_048_575));
    expect(requests).toHaveLength(2);
    for (const request of requests) expect(request.map((id) => sizes[id]).sort()).toEqual([400_000, 600_000]);
  });

  it("pairs entries by size rather than by arrival", () => {
    const sizes = [500_000, 600_000, 500_000, 400_000];
    expect(arrivalOrderCount(sizes, 1_048_575)).toBe(3);
    expect(ids(packRequests(items(sizes), 1_048_575))).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it("gives an entry of exactly maxBytes a request of its own", () => {
    expect(ids(packRequests(items([1_000, 2_000, 1_000]), 2_000))).toEqual([[0, 2], [1]]);
  });
});

describe("packRequests on mixed sizes", () => {
  const lowerBound = (sizes: number[], maxBytes: number) =>
    Math.max(Math.ceil(sizes.length / 10), Math.ceil(sizes.reduce((a, b) => a + b, 0) / maxBytes));

  it("reaches the lower bound on log-uniform sizes from 100 B to 900 KB", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const sizes = Array.from({ length: 2_000 }, () => Math.round(100 * 9_000 ** random()));
    const requests = packRequests(items(sizes), 1_048_575);
    expect(requests.length).toBe(lowerBound(sizes, 1_048_575));
  });

  it("uses one request per entry when no two entries fit together", () => {
    const sizes = Array(7).fill(600_000);
    expect(packRequests(items(sizes), 1_048_575)).toHaveLength(7);
  });
});
