import { loadConfig } from "../lambda/config";
import { type EventEntry, mapRecord } from "../lambda/core/map-entry";
import { packRequests } from "../lambda/core/pack-requests";
import { jsonRecords } from "./payloads";
import { MB, median } from "./stats";

export const BENCH_ENV = {
  CONNECTOR_ID: "bench",
  EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/bench",
} as const;

export interface ConversionFigure {
  readonly valueBytes: number;
  readonly records: number;
  readonly repetitions: number;
  /** decode + map + pack, the function's pure path. */
  readonly convert: { readonly recordsPerSecond: number; readonly megabytesPerSecond: number };
  /** `JSON.parse` of the same values, already decoded to strings: the reference. */
  readonly jsonParse: { readonly recordsPerSecond: number; readonly megabytesPerSecond: number };
  readonly ratio: number;
}

const SIZES = [
  { valueBytes: 100, records: 20_000 },
  { valueBytes: 1_000, records: 10_000 },
  { valueBytes: 10_000, records: 1_000 },
  { valueBytes: 100_000, records: 100 },
] as const;

/**
 * Conversion throughput of the pure path (decode + map + pack) next to `JSON.parse` of the same
 * payloads, both timed in the same loop, alternating, after a warm-up; the median of the repetitions.
 */
export function benchConversion(quick: boolean): ConversionFigure[] {
  const config = loadConfig(BENCH_ENV);
  const warmups = quick ? 2 : 4;
  const repetitions = quick ? 3 : 9;
  const figures: ConversionFigure[] = [];
  let sink = 0;
  for (const { valueBytes, records: count } of SIZES) {
    const records = jsonRecords(count, valueBytes);
    const texts = records.map((record) => Buffer.from(record.value ?? "", "base64").toString("utf8"));
    const bytes = texts.reduce((total, text) => total + Buffer.byteLength(text, "utf8"), 0);
    const convertMs: number[] = [];
    const parseMs: number[] = [];
    for (let round = 0; round < warmups + repetitions; round += 1) {
      let start = performance.now();
      const entries: EventEntry[] = [];
      for (const record of records) {
        const mapped = mapRecord(config, record);
        if (mapped instanceof Error) throw mapped;
        entries.push(mapped);
      }
      sink += packRequests(entries, config.maxRequestBytes).length;
      const convert = performance.now() - start;

      start = performance.now();
      for (const text of texts) sink += JSON.parse(text) === null ? 1 : 0;
      const parse = performance.now() - start;
      if (round >= warmups) {
        convertMs.push(convert);
        parseMs.push(parse);
      }
    }
    const rate = (ms: number) => ({
      recordsPerSecond: Math.round(count / (ms / 1000)),
      megabytesPerSecond: Math.round((bytes / MB / (ms / 1000)) * 10) / 10,
    });
    const convert = rate(median(convertMs));
    const jsonParse = rate(median(parseMs));
    figures.push({
      valueBytes,
      records: count,
      repetitions,
      convert,
      jsonParse,
      ratio: Math.round((convert.recordsPerSecond / jsonParse.recordsPerSecond) * 100) / 100,
    });
  }
  if (sink < 0) console.log(sink);
  return figures;
}
