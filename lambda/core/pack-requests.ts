/**
 * PutEvents takes at most 10 entries per request.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
export const PUT_EVENTS_MAX_ENTRIES = 10;

export interface Sized {
  readonly size: number;
}

interface Bin<T> {
  readonly items: { readonly index: number; readonly entry: T }[];
  bytes: number;
}

/**
 * Packs entries into as few requests as it can, each of at most `maxEntries` entries and at most
 * `maxBytes` in total: first-fit decreasing, the classic bin-packing heuristic, which keeps
 * mixed sizes (100 B next to 900 KB) close to the minimum where packing in arrival order would not.
 * Requests are sent concurrently, so only the order inside a request is kept (ascending input order),
 * and requests come out ordered by their first entry. Every entry must be at most `maxBytes`.
 */
export function packRequests<T extends Sized>(
  entries: readonly T[],
  maxBytes: number,
  maxEntries: number = PUT_EVENTS_MAX_ENTRIES,
): T[][] {
  const order = entries.map((entry, index) => ({ index, entry }));
  order.sort((a, b) => b.entry.size - a.entry.size || a.index - b.index);
  const open: Bin<T>[] = [];
  const all: Bin<T>[] = [];
  for (const item of order) {
    // Large entries are few in a 6 MB batch, so the open list stays short: small ones close bins fast.
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
  return all
    .map((bin) => bin.items.sort((a, b) => a.index - b.index))
    .sort((a, b) => (a[0]?.index ?? 0) - (b[0]?.index ?? 0))
    .map((items) => items.map((item) => item.entry));
}
