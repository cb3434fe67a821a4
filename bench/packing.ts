import { loadConfig } from "../lambda/config";
import { billedChunks } from "../lambda/core/entry-size";
import { type EventEntry, mapRecord } from "../lambda/core/map-entry";
import { PUT_EVENTS_MAX_ENTRIES, packRequests } from "../lambda/core/pack-requests";
import { seededRandom } from "../tooling/seeded-random";
import { BENCH_ENV } from "./conversion";
import { HANDLER_VALUE_BYTES, jsonRecords } from "./payloads";

export interface PackingFigure {
  readonly name: string;
  readonly records: number;
  readonly entryBytes: number;
  readonly requests: number;
  /** max(ceil(N / 10), ceil(bytes / MAX_REQUEST_BYTES)): no packing can use fewer. */
  readonly minimumRequests: number;
  /** The same entries packed greedily in arrival order, for reference. */
  readonly inOrderRequests: number;
  readonly ratio: number;
  readonly billedChunks: number;
  readonly chunksPerRecord: number;
}

function inOrder(entries: readonly EventEntry[], maxBytes: number): number {
  let requests = 0;
  let count = PUT_EVENTS_MAX_ENTRIES;
  let bytes = 0;
  for (const { size } of entries) {
    if (count === PUT_EVENTS_MAX_ENTRIES || bytes + size > maxBytes) {
      requests += 1;
      count = 0;
      bytes = 0;
    }
    count += 1;
    bytes += size;
  }
  return requests;
}

function measure(name: string, sizes: (index: number) => number, count: number): PackingFigure {
  const config = loadConfig(BENCH_ENV);
  const entries = jsonRecords(count, sizes).map((record) => mapRecord(config, record) as EventEntry);
  const entryBytes = entries.reduce((total, entry) => total + entry.size, 0);
  const requests = packRequests(entries, config.maxRequestBytes).length;
  const minimumRequests = Math.max(
    Math.ceil(count / PUT_EVENTS_MAX_ENTRIES),
    Math.ceil(entryBytes / config.maxRequestBytes),
  );
  const chunks = entries.reduce((total, entry) => total + billedChunks(entry.size), 0);
  return {
    name,
    records: count,
    entryBytes,
    requests,
    minimumRequests,
    inOrderRequests: inOrder(entries, config.maxRequestBytes),
    ratio: Math.round((requests / minimumRequests) * 1000) / 1000,
    billedChunks: chunks,
    chunksPerRecord: Math.round((chunks / count) * 1000) / 1000,
  };
}

/** Requests and billed 64 KB chunks for mixed record sizes, next to the minimum request count. */
export function benchPacking(quick: boolean): PackingFigure[] {
  const random = seededRandom(7);
  // Log-uniform from 100 B to 900 KB: many small records, a tail of large ones.
  const logUniform = Array.from({ length: 2_000 }, () => Math.round(100 * 9_000 ** random()));
  // Mostly small with a few large, the shape of a topic that sometimes carries documents.
  const skewed = Array.from({ length: 10_000 }, () =>
    random() < 0.01 ? 100_000 + Math.round(random() * 800_000) : 100 + Math.round(random() * 2_000),
  );
  return [
    measure("mixed 100 B–900 KB, log-uniform", (index) => logUniform[index] as number, quick ? 500 : 2_000),
    measure(
      "mixed 99% 100 B–2 KB, 1% 100–900 KB",
      (index) => skewed[index] as number,
      quick ? 2_000 : 10_000,
    ),
    measure(
      `10,000 × ${HANDLER_VALUE_BYTES} B values (the handler batch)`,
      () => HANDLER_VALUE_BYTES,
      10_000,
    ),
  ];
}
