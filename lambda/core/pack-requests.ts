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
    roomiest.items.push(item);
    roomiest.bytes += item.entry.size;
    // The top sinks to its new place, or leaves once full: no pop and push, which allocate per entry.
    if (roomiest.items.length < maxEntries) open.replace(roomiest);
    else open.pop();
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
  // One pass over the input puts each request's entries in input order and the requests in the order
  // of their first entry, without sorting (empty bins get no request).
  const binOf = new Int32Array(entries.length);
  bins.forEach((bin, at) => {
    for (const item of bin.items) binOf[item.index] = at;
  });
  const requestOf = new Int32Array(bins.length).fill(-1);
  const requests: T[][] = [];
  for (let index = 0; index < entries.length; index += 1) {
    const bin = binOf[index] as number;
    let request = requestOf[bin] as number;
    if (request < 0) {
      request = requests.push([]) - 1;
      requestOf[bin] = request;
    }
    requests[request]?.push(entries[index] as T);
  }
  return requests;
}
