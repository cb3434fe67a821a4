import { loadConfig } from "../lambda/config";
import { decodeBase64, scanJson } from "../lambda/core/decode-payload";
import { renderHeaders } from "../lambda/core/header-render";
import { type EventEntry, mapRecord } from "../lambda/core/map-entry";
import { packRequests } from "../lambda/core/pack-requests";
import { HEADER_FORMATS, type HeaderFormat } from "../lambda/env-names";
import { isJsonBefore } from "./json-check-before";
import { jsonRecords, jsonValue } from "./payloads";
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

export interface DecodeCheckFigure {
  readonly valueBytes: number;
  readonly records: number;
  /** MB/s of `Buffer.from(text, "base64")` alone, and of the canonical check that wraps it. */
  readonly base64: {
    readonly bufferFrom: number;
    readonly canonical: number;
    readonly overheadPercent: number;
  };
  /** MB/s of the JSON check before (validation only) and now (compaction + PutEvents limits). */
  readonly compactInput: {
    readonly before: number;
    readonly after: number;
    readonly overheadPercent: number;
  };
  readonly prettyInput: { readonly before: number; readonly after: number; readonly overheadPercent: number };
}

export interface HeaderFormatFigure {
  readonly records: number;
  /** Records/s rendering the bench records' two headers (a trace id, a content type) per HEADER_FORMAT. */
  readonly recordsPerSecond: Readonly<Record<HeaderFormat, number>>;
}

/**
 * What typing headers as the connector does (`HEADER_FORMAT=connector`, the default) costs next to
 * `string` and `base64`, on the bench records' two headers, timed alternately in one loop.
 */
export function benchHeaderFormats(quick: boolean): HeaderFormatFigure {
  const records = jsonRecords(20_000, 100);
  const warmups = quick ? 2 : 4;
  const repetitions = quick ? 3 : 9;
  const timings: Record<HeaderFormat, number[]> = { connector: [], string: [], base64: [] };
  let sink = 0;
  for (let round = 0; round < warmups + repetitions; round += 1) {
    for (const format of HEADER_FORMATS) {
      const start = performance.now();
      for (const record of records) {
        const rendered = renderHeaders(record.headers, format);
        sink += rendered.ok ? rendered.json.length : 0;
      }
      if (round >= warmups) timings[format].push(performance.now() - start);
    }
  }
  if (sink < 0) console.log(sink);
  const rate = (format: HeaderFormat) => Math.round(records.length / (median(timings[format]) / 1000));
  return {
    records: records.length,
    recordsPerSecond: { connector: rate("connector"), string: rate("string"), base64: rate("base64") },
  };
}

/**
 * What issue 11/15's payload checks cost, each next to what it replaced, timed alternately in one loop:
 * the canonical base64 check against a bare `Buffer.from`; the one-pass JSON scan (compaction, integer
 * range, nesting depth) against the validation-only scan it replaced, on compact values (the no-copy
 * path) and on the same values pretty-printed (the compacting path).
 */
export function benchDecodeChecks(quick: boolean): DecodeCheckFigure[] {
  const warmups = quick ? 2 : 4;
  const repetitions = quick ? 3 : 9;
  const figures: DecodeCheckFigure[] = [];
  let sink = 0;
  for (const { valueBytes, records: count } of SIZES) {
    const compact = Array.from({ length: 8 }, (_, seed) => jsonValue(valueBytes, seed));
    const pretty = compact.map((text) => JSON.stringify(JSON.parse(text), null, 2));
    const encoded = compact.map((text) => Buffer.from(text, "utf8").toString("base64"));
    const pick = <T>(list: readonly T[], index: number) => list[index % list.length] as T;
    const timings = {
      bufferFrom: [],
      canonical: [],
      compactBefore: [],
      compactAfter: [],
      prettyBefore: [],
      prettyAfter: [],
    } as Record<string, number[]>;
    // Each timing covers at least ~20 MB, so that a scheduling slice on a shared machine weighs little.
    const passes = Math.max(1, Math.ceil((20 * MB) / (count * valueBytes)));
    const time = (name: string, round: number, run: (index: number) => number) => {
      const start = performance.now();
      for (let pass = 0; pass < passes; pass += 1) {
        for (let index = 0; index < count; index += 1) sink += run(index);
      }
      if (round >= warmups) timings[name]?.push(performance.now() - start);
    };
    for (let round = 0; round < warmups + repetitions; round += 1) {
      time("bufferFrom", round, (i) => Buffer.from(pick(encoded, i), "base64").length);
      time("canonical", round, (i) => decodeBase64(pick(encoded, i))?.length ?? 0);
      time("compactBefore", round, (i) => (isJsonBefore(pick(compact, i)) ? 1 : 0));
      time("compactAfter", round, (i) => (scanJson(pick(compact, i)).ok ? 1 : 0));
      time("prettyBefore", round, (i) => (isJsonBefore(pick(pretty, i)) ? 1 : 0));
      time("prettyAfter", round, (i) => (scanJson(pick(pretty, i)).ok ? 1 : 0));
    }
    const megabytesPerSecond = (name: string, texts: readonly string[]) => {
      const bytes =
        passes * (count / texts.length) * texts.reduce((total, text) => total + Buffer.byteLength(text), 0);
      return Math.round((bytes / MB / (median(timings[name] ?? []) / 1000)) * 10) / 10;
    };
    const pair = (before: number, after: number) => ({
      before,
      after,
      overheadPercent: Math.round((before / after - 1) * 100),
    });
    const bufferFrom = megabytesPerSecond("bufferFrom", encoded);
    const canonical = megabytesPerSecond("canonical", encoded);
    figures.push({
      valueBytes,
      records: count,
      base64: { bufferFrom, canonical, overheadPercent: Math.round((bufferFrom / canonical - 1) * 100) },
      compactInput: pair(
        megabytesPerSecond("compactBefore", compact),
        megabytesPerSecond("compactAfter", compact),
      ),
      prettyInput: pair(
        megabytesPerSecond("prettyBefore", pretty),
        megabytesPerSecond("prettyAfter", pretty),
      ),
    });
  }
  if (sink < 0) console.log(sink);
  return figures;
}

/** Prints {@link benchDecodeChecks} and {@link benchHeaderFormats} figures as tables. */
export function printDecodeChecks(figures: readonly DecodeCheckFigure[], headers: HeaderFormatFigure): void {
  console.log(`Headers (two per record: a trace id, a content type), ${headers.records} records, records/s`);
  console.table([headers.recordsPerSecond]);
  console.log(
    "Payload checks of issues 11/15 (MB/s, median; overhead = extra time against the path they replaced)",
  );
  console.table(
    figures.map((figure) => ({
      value: `${figure.valueBytes} B`,
      "Buffer.from base64": figure.base64.bufferFrom,
      "canonical base64": figure.base64.canonical,
      "base64 overhead %": figure.base64.overheadPercent,
      "JSON check before (compact)": figure.compactInput.before,
      "scan + limits (compact, no copy)": figure.compactInput.after,
      "overhead % (compact)": figure.compactInput.overheadPercent,
      "JSON check before (pretty)": figure.prettyInput.before,
      "scan + limits + compaction (pretty)": figure.prettyInput.after,
      "overhead % (pretty)": figure.prettyInput.overheadPercent,
    })),
  );
}
