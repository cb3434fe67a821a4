import { Heap } from "heap-js";

/**
 * PutEvents takes at most 10 entries per request.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
export const PUT_EVENTS_MAX_ENTRIES = 10;

export interface Sized {
  readonly size: number;
}

interface Item<T> {
  readonly index: number;
  readonly entry: T;
}

interface Bin<T> {
  readonly items: Item<T>[];
  bytes: number;
}

/** How many bin counts above the lower bound are tried before settling for first-fit decreasing. */
const MAX_ATTEMPTS = 32;

/**
 * Worst-fit decreasing into exactly `bins` requests: each entry, largest first, goes to the open
 * request with the most room left. Spreading the large entries leaves every request room for small
 * ones, which is what the two limits together (entries and bytes) need. Undefined when they do not fit.
 */
function worstFitDecreasing<T extends Sized>(
  sorted: readonly Item<T>[],
  bins: number,
  maxBytes: number,
  maxEntries: number,
): Bin<T>[] | undefined {
  const all: Bin<T>[] = Array.from({ length: bins }, () => ({ items: [], bytes: 0 }));
  const open = new Heap<Bin<T>>((a, b) => a.bytes - b.bytes);
  open.init([...all]);
  for (const item of sorted) {
    const roomiest = open.peek();
    if (roomiest === undefined || roomiest.bytes + item.entry.size > maxBytes) return undefined;
    open.pop();
    roomiest.items.push(item);
    roomiest.bytes += item.entry.size;
    if (roomiest.items.length < maxEntries) open.push(roomiest);
  }
  return all;
}

/** First-fit decreasing: the fallback when no bin count near the lower bound works. */
function firstFitDecreasing<T extends Sized>(
  sorted: readonly Item<T>[],
  maxBytes: number,
  maxEntries: number,
): Bin<T>[] {
  const open: Bin<T>[] = [];
  const all: Bin<T>[] = [];
  for (const item of sorted) {
    let bin = open.find((candidate) => candidate.bytes + item.entry.size <= maxBytes);
    if (bin === undefined) {
      bin = { items: [], bytes: 0 };
      open.push(bin);
      all.push(bin);
    }
    bin.items.push(item);
    bin.bytes += item.entry.size;
    if (bin.items.length === maxEntries) open.splice(open.indexOf(bin), 1);
  }
  return all;
}

/**
 * Packs entries into as few requests as it can, each of at most `maxEntries` entries and at most
 * `maxBytes` in total. No packing needs fewer than max(⌈N / maxEntries⌉, ⌈bytes / maxBytes⌉)
 * requests; starting from that bound, worst-fit decreasing is tried on one more request at a time
 * and the first count that fits wins (mixed 100 B–900 KB sizes reach the bound where first-fit
 * decreasing needs 1.5× as many). Requests are sent concurrently, so only the order inside a
 * request is kept (ascending input order), and requests come out ordered by their first entry.
 * Every entry must be at most `maxBytes`.
 */
export function packRequests<T extends Sized>(
  entries: readonly T[],
  maxBytes: number,
  maxEntries: number = PUT_EVENTS_MAX_ENTRIES,
): T[][] {
  if (entries.length === 0) return [];
  const sorted = entries.map((entry, index) => ({ index, entry }));
  sorted.sort((a, b) => b.entry.size - a.entry.size || a.index - b.index);
  const bytes = sorted.reduce((total, item) => total + item.entry.size, 0);
  const lowerBound = Math.max(Math.ceil(entries.length / maxEntries), Math.ceil(bytes / maxBytes));

  let bins: Bin<T>[] | undefined;
  for (let count = lowerBound; bins === undefined && count < lowerBound + MAX_ATTEMPTS; count += 1) {
    bins = worstFitDecreasing(sorted, count, maxBytes, maxEntries);
  }
  bins ??= firstFitDecreasing(sorted, maxBytes, maxEntries);
  return bins
    .filter((bin) => bin.items.length > 0)
    .map((bin) => bin.items.sort((a, b) => a.index - b.index))
    .sort((a, b) => (a[0]?.index ?? 0) - (b[0]?.index ?? 0))
    .map((items) => items.map((item) => item.entry));
}
