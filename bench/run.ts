// `npm run bench` (or `npm run bench -- --quick` for a CI smoke run): the figures of issues 5 and 14, each next
// to its reference measured in the same run. Prints a table; writes the same figures to bench/results.json.
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { kafkaEvent } from "../tooling/kafka-records";
import { benchBundle, OUT_DIR } from "./bundle";
import { DEPLOYED_NODE_OPTIONS, DEPLOYED_V8_FLAGS, runHandlerChild, startEndpointProcess } from "./children";
import { benchConversion, benchDecodeChecks, benchHeaderFormats, printDecodeChecks } from "./conversion";
import { benchDecode } from "./decode";
import type { HandlerBatchResult, HandlerBatchSettings, PublisherVariant } from "./handler-batch";
import { benchPacking } from "./packing";
import { HANDLER_VALUE_BYTES, jsonRecords } from "./payloads";
import { costPerMillion, PRICES } from "./pricing";
import { benchCodecImport, benchRegistryCalls } from "./registry";
import { machine, median } from "./stats";
import { benchThrottling } from "./throttling";

const quick = process.argv.includes("--quick");
const LATENCY_MS = 20;
interface BatchShape {
  readonly records: number;
  readonly valueBytes: number;
  readonly partitions: number;
}
const BATCH: BatchShape = { records: 10_000, valueBytes: HANDLER_VALUE_BYTES, partitions: 8 };
const started = Date.now();
const log = (message: string) =>
  console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}`);

/** Writes the ESM event of `shape` as JSON text, the form in which the runtime receives it. */
function writeEvent(name: string, shape: BatchShape): string {
  const file = join(OUT_DIR, `${name}.json`);
  const records = jsonRecords(shape.records, shape.valueBytes, shape.partitions);
  writeFileSync(file, JSON.stringify(kafkaEvent(records)));
  return file;
}

interface HandlerRun {
  /** Who sends the requests (the function as deployed, or an SDK-based publisher). */
  readonly publisher: PublisherVariant;
  readonly maxConcurrency?: number;
  /** `NODE_OPTIONS`: as the function is deployed unless told otherwise. */
  readonly nodeOptions?: string;
  /** V8 flags on the command line: the deployed wrapper's unless told otherwise. */
  readonly v8Flags?: readonly string[];
  readonly sampleAllocations?: boolean;
  /** Full batches before the measured one (see HandlerBatchSettings.fullWarmUps). */
  readonly fullWarmUps?: number;
}

/** The handler child on one event. */
async function runHandler(script: string, endpointUrl: string, eventFile: string, run: HandlerRun) {
  const settings: HandlerBatchSettings = {
    eventFile,
    warmUpFile,
    publisher: run.publisher,
    fullWarmUps: run.fullWarmUps ?? 0,
    ...(run.sampleAllocations ? { sampleAllocations: true } : {}),
  };
  return runHandlerChild(script, settings, endpointUrl, {
    nodeOptions: run.nodeOptions,
    v8Flags: run.v8Flags,
    env: { MAX_CONCURRENCY: String(run.maxConcurrency ?? 16) },
  });
}

const load = { before: loadavg()[0] ?? 0 };
log("bundling the handler, timing its cold import");
const { figure: bundleFigure, children } = await benchBundle(quick);
log("conversion throughput");
const conversion = benchConversion(quick);
log("Avro and Protobuf decode next to JSON");
const decode = await benchDecode(quick);
log("schema registry: calls per batch, cold import with and without codecs");
const codecImport = await benchCodecImport(quick);
const registryCalls = await benchRegistryCalls(codecImport.withRegistryFile);
const decodeChecks = benchDecodeChecks(quick);
const headerFormats = benchHeaderFormats(quick);
log("packing and billed chunks");
const packing = benchPacking(quick);
const batchPacking = packing.at(-1);
if (batchPacking === undefined) throw new Error("no packing figure for the handler batch");

log("10,000-record batch through the handler");
const warmUpFile = writeEvent("warm-up-event", { ...BATCH, records: 20 });
const batchFile = writeEvent("batch-event", BATCH);
const endpoint = await startEndpointProcess(children.endpoint, {
  delayMs: LATENCY_MS,
  throttle: { kind: "none" },
});
// The batch is CPU-bound on a 2-core machine shared with the endpoint process: each subject runs
// several times (each run a fresh process), alternating, and the figures are medians.
const RUNS = quick ? 3 : 5;

/** Who sends the batch, and the runtime settings it runs with (as the function is deployed by default). */
interface Subject {
  readonly name: string;
  readonly publisher: PublisherVariant;
  readonly nodeOptions?: string;
  readonly v8Flags?: readonly string[];
}
const PROJECT: Subject = { name: "this function (lean PutEvents path)", publisher: "project" };
/** The reference's client given this function's NODE_OPTIONS and V8 flags: what the flags do not explain. */
const REFERENCE: Subject = {
  name: "new EventBridgeClient({}) with this function's runtime settings",
  publisher: "sdk-default",
};
const TUNED: Subject = { name: "option (a): SDK client tuned", publisher: "sdk-tuned" };
/**
 * The reference of issue 14, "what a hand-written Lambda does": a default `new EventBridgeClient({})`
 * as Lambda starts a hand-written function of 1,024 MB, with no V8 flags and the heap sizes the
 * nodejs24.x bootstrap derives from the memory (new space a tenth of it, half of that per semi-space,
 * the rest old space; docs/performance.md, "Memory").
 */
const HAND_WRITTEN: Subject = {
  name: "reference: new EventBridgeClient({}) as Lambda starts a hand-written function",
  publisher: "sdk-default",
  nodeOptions: "--max-semi-space-size=51 --max-old-space-size=922",
  v8Flags: [],
};
type BatchRun = { result: HandlerBatchResult; requests: number; maxInFlight: number };

/**
 * The batch through each of `subjects`, RUNS times each, alternating, every run a fresh process that
 * has first handled `fullWarmUps` full batches; then one more run each under the sampling heap profiler
 * for the bytes allocated per PutEvents. The medians per subject.
 */
async function measureBatch(subjects: readonly Subject[], fullWarmUps: number) {
  const once = async (subject: Subject, sampleAllocations: boolean) => {
    const { publisher, nodeOptions, v8Flags } = subject;
    const result = await runHandler(children.handlerBatch, endpoint.url, batchFile, {
      publisher,
      fullWarmUps,
      ...(nodeOptions === undefined ? {} : { nodeOptions }),
      ...(v8Flags === undefined ? {} : { v8Flags }),
      ...(sampleAllocations ? { sampleAllocations } : {}),
    });
    const stats = await endpoint.stats();
    await endpoint.reset();
    return { result, requests: stats.calls, maxInFlight: stats.maxInFlight };
  };
  const runsOf = new Map<Subject, BatchRun[]>(subjects.map((subject) => [subject, []]));
  for (let run = 0; run < RUNS; run += 1) {
    for (const subject of subjects) runsOf.get(subject)?.push(await once(subject, false));
  }
  const allocations = new Map<Subject, number>();
  for (const subject of subjects) {
    const { result, requests } = await once(subject, true);
    allocations.set(subject, (result.allocatedBytes ?? Number.NaN) / requests);
  }
  return subjects.map((subject) => {
    const runs = runsOf.get(subject) ?? [];
    const cpuMs = median(runs.map((run) => run.result.cpuMs));
    return {
      subject: subject.name,
      publisher: subject.publisher,
      runs: runs.length,
      wallMs: median(runs.map((run) => run.result.wallMs)),
      cpuMs,
      cpuMsRuns: runs.map((run) => run.result.cpuMs),
      cpuUsPerRecord: (cpuMs * 1000) / BATCH.records,
      maxRssMB: median(runs.map((run) => run.result.maxRssMB)),
      requests: median(runs.map((run) => run.requests)),
      maxInFlight: Math.max(...runs.map((run) => run.maxInFlight)),
      allocatedKBPerRequest: (allocations.get(subject) ?? Number.NaN) / 1024,
      batchItemFailures: Math.max(...runs.map((run) => run.result.batchItemFailures)),
      rssBeforeMB: median(runs.map((run) => run.result.rssBeforeMB)),
      rssWithEventMB: median(runs.map((run) => run.result.rssWithEventMB)),
      eventBytes: runs[0]?.result.eventBytes ?? 0,
    };
  });
}
type BatchFigure = Awaited<ReturnType<typeof measureBatch>>[number];

const batchFigures = await measureBatch([PROJECT, REFERENCE, TUNED, HAND_WRITTEN], 0);
// The same batch in a container that has already sent two: its code compiled by V8's optimizing tiers
// and its 16 connections open. A partition that drains a backlog runs batch after batch in one warm
// container, so this is its CPU per record; the first full batch also pays V8's compilation once.
log("the batch in steady state (after two full batches in the same process)");
const steadyFigures = await measureBatch([PROJECT, REFERENCE, HAND_WRITTEN], 2);
const [steady, steadyReference, steadyHandWritten] = steadyFigures as [BatchFigure, BatchFigure, BatchFigure];
const steadyCpuRatio = steady.cpuMs / steadyReference.cpuMs;
const [concurrent, reference, tuned, handWritten] = batchFigures as [
  BatchFigure,
  BatchFigure,
  BatchFigure,
  BatchFigure,
];
const cpuRatio = concurrent.cpuMs / reference.cpuMs;
const handWrittenCpuRatio = concurrent.cpuMs / handWritten.cpuMs;
const steadyHandWrittenCpuRatio = steady.cpuMs / steadyHandWritten.cpuMs;
const maxRssMB = concurrent.maxRssMB;
/** The batch three more times with `run`'s settings (each a fresh process), for a comparison row. */
async function batchAgain(script: string, run: HandlerRun): Promise<HandlerBatchResult[]> {
  const results: HandlerBatchResult[] = [];
  for (let index = 0; index < 3; index += 1) {
    results.push(await runHandler(script, endpoint.url, batchFile, run));
    await endpoint.reset();
  }
  return results;
}
// The same runs from the one-file bundle deployed before code splitting, for what splitting changes.
log("the batch again from the single-file bundle");
const singleFileRuns = await batchAgain(children.handlerBatchSingleFile, { publisher: "project" });
// And without the wrapper's V8 flags (TurboFan on), for what they change.
log("the batch again without the wrapper's V8 flags");
const withoutV8FlagsRuns = await batchAgain(children.handlerBatch, { publisher: "project", v8Flags: [] });
const withoutV8FlagsCpuMs = median(withoutV8FlagsRuns.map((run) => run.cpuMs));
const singleFile = {
  rssBeforeMB: median(singleFileRuns.map((run) => run.rssBeforeMB)),
  maxRssMB: median(singleFileRuns.map((run) => run.maxRssMB)),
};
// The same batch with V8 sizing its heap from this host's memory, for what the flags change.
log("the batch again at V8's default heap sizing");
const v8Defaults = await runHandler(children.handlerBatch, endpoint.url, batchFile, {
  publisher: "project",
  nodeOptions: "",
});
await endpoint.reset();
// MAX_CONCURRENCY=1 takes a round trip per request; --quick measures it on a fifth of the batch.
const serialBatch = quick ? { ...BATCH, records: BATCH.records / 5 } : BATCH;
log(`${serialBatch.records}-record batch with MAX_CONCURRENCY=1`);
const serialFile = quick ? writeEvent("serial-event", serialBatch) : batchFile;
const serial = await runHandler(children.handlerBatch, endpoint.url, serialFile, {
  publisher: "project",
  maxConcurrency: 1,
});
const serialStats = await endpoint.stats();
endpoint.close();
const serialWallFor10k = serial.wallMs * (BATCH.records / serialBatch.records);
const floorMs = Math.ceil(batchPacking.minimumRequests / 16) * LATENCY_MS;

log("adaptive vs fixed concurrency under throttling");
const throttling = await benchThrottling(children.endpoint, quick);

const oneKb = conversion.find((figure) => figure.valueBytes === 1_000);
const mixed = packing[0];
const msPerRecord = concurrent.wallMs / BATCH.records;
const cost = costPerMillion(mixed?.chunksPerRecord ?? 1, msPerRecord, BATCH.records);
const costTypical = costPerMillion(batchPacking.chunksPerRecord, msPerRecord, BATCH.records);
const rssLimitMB = (4 * concurrent.eventBytes) / 2 ** 20 + 100;

/** A target met when `value` is at most `limit`. */
const atMost = (figure: string, value: number, limit: number, target = `≤ ${limit}`) => ({
  figure,
  value,
  target,
  met: value <= limit,
});
const rssTarget = `≤ ${rssLimitMB.toFixed(0)} (4 × batch + 100 MB)`;

const targets = [
  {
    figure: "conversion, 1 KB values",
    value: oneKb?.ratio ?? 0,
    target: "≥ 0.5 × JSON.parse",
    met: (oneKb?.ratio ?? 0) >= 0.5,
  },
  atMost("10k batch CPU / a hand-written function's (the reference)", handWrittenCpuRatio, 0.4),
  atMost("10k batch CPU / a hand-written function's, steady state", steadyHandWrittenCpuRatio, 0.4),
  // Not a target: the reference's client given this function's V8 flags and heap sizes too.
  { figure: "  for comparison: / its client with this function's runtime settings", value: cpuRatio },
  { figure: "  for comparison: the same, steady state", value: steadyCpuRatio },
  atMost("10k batch vs latency floor", concurrent.wallMs / floorMs, 1.2),
  atMost("heap allocated per PutEvents (KB)", concurrent.allocatedKBPerRequest, 80),
  atMost("heap allocated per PutEvents (KB), steady state", steady.allocatedKBPerRequest, 80),
  {
    figure: "10k batch speed-up vs MAX_CONCURRENCY=1",
    value: serialWallFor10k / concurrent.wallMs,
    target: "≥ 10",
    met: serialWallFor10k / concurrent.wallMs >= 10,
  },
  ...packing.map((figure) => atMost(`requests / minimum (${figure.name})`, figure.ratio, 1.05)),
  atMost("peak RSS (MB)", maxRssMB, rssLimitMB, rssTarget),
  atMost("peak RSS (MB), steady state", steady.maxRssMB, rssLimitMB, rssTarget),
  // Code splitting: what a cold start reads is index.mjs and the chunks it imports statically.
  atMost(
    "bundle at cold start: index.mjs + its static chunks (KB)",
    bundleFigure.split.coldStartBytes / 1024,
    1024,
  ),
  atMost("cold import of index.mjs (ms)", bundleFigure.split.coldImportMs, 300),
];

const results = {
  date: new Date().toISOString(),
  command: `npm run bench${quick ? " -- --quick" : ""}`,
  machine: { ...machine(), loadAverage1m: { before: load.before, after: loadavg()[0] ?? 0 } },
  conversion,
  decode,
  registry: { calls: registryCalls, codecImport },
  decodeChecks,
  headerFormats,
  handlerBatch: {
    latencyMs: LATENCY_MS,
    eventBytes: concurrent.eventBytes,
    records: BATCH.records,
    minimumRequests: batchPacking.minimumRequests,
    latencyFloorMs: floorMs,
    nodeOptions: DEPLOYED_NODE_OPTIONS,
    v8Flags: DEPLOYED_V8_FLAGS,
    maxConcurrency16: concurrent,
    referenceSdkDefault: reference,
    optionSdkTuned: tuned,
    referenceAsLambdaStartsIt: {
      ...handWritten,
      nodeOptions: HAND_WRITTEN.nodeOptions,
      v8Flags: HAND_WRITTEN.v8Flags,
    },
    cpuRatioToReference: cpuRatio,
    cpuRatioToReferenceAsLambdaStartsIt: handWrittenCpuRatio,
    steadyState: {
      fullWarmUps: 2,
      project: steady,
      referenceSdkDefault: steadyReference,
      referenceAsLambdaStartsIt: steadyHandWritten,
      cpuRatio: steadyCpuRatio,
      cpuRatioToReferenceAsLambdaStartsIt: steadyHandWrittenCpuRatio,
    },
    v8DefaultHeapSizing: v8Defaults,
    withoutV8Flags: { cpuMs: withoutV8FlagsCpuMs, runs: withoutV8FlagsRuns },
    singleFileBundle: { ...singleFile, runs: singleFileRuns },
    maxConcurrency1: {
      ...serial,
      records: serialBatch.records,
      requests: serialStats.calls,
      wallMsFor10k: serialWallFor10k,
    },
  },
  packing,
  throttling,
  bundle: bundleFigure,
  cost: { prices: PRICES, mixed: cost, typical: costTypical },
  targets,
  durationSeconds: (Date.now() - started) / 1000,
};
writeFileSync(join(import.meta.dirname, "results.json"), `${JSON.stringify(results, null, 2)}\n`);

const f = (value: number, digits = 0) =>
  value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const m = results.machine;
console.log(
  `\nkafka-eventbridge-lambda benchmark — ${results.date} — ${m.cpu}, ${m.cores} cores, Node.js ${m.node}, load ${f(load.before, 1)}\n`,
);
console.log("1. Conversion (decode + map + pack) next to JSON.parse of the same values (median)");
console.table(
  conversion.map((c) => ({
    value: `${f(c.valueBytes)} B`,
    "records/s": f(c.convert.recordsPerSecond),
    "MB/s": f(c.convert.megabytesPerSecond, 1),
    "JSON.parse records/s": f(c.jsonParse.recordsPerSecond),
    "JSON.parse MB/s": f(c.jsonParse.megabytesPerSecond, 1),
    ratio: c.ratio,
  })),
);
printDecodeChecks(decodeChecks, headerFormats);
console.log(
  `2. ${f(BATCH.records)} records (${f(concurrent.eventBytes / 2 ** 20, 1)} MiB event) through the handler, endpoint answering after ${LATENCY_MS} ms`,
);
/** The columns both batch tables share: CPU against the reference's, wall against the floor, memory. */
const batchRow = (figure: BatchFigure, referenceCpuMs: number) => ({
  subject: figure.subject,
  [`CPU ms (median of ${figure.runs})`]: f(figure.cpuMs),
  "CPU µs/record": f(figure.cpuUsPerRecord, 1),
  "× reference CPU": f(figure.cpuMs / referenceCpuMs, 2),
  "wall ms": f(figure.wallMs),
  "× floor": f(figure.wallMs / floorMs, 2),
  "KB allocated/PutEvents": f(figure.allocatedKBPerRequest, 1),
});
console.table(
  batchFigures.map((figure) => ({
    ...batchRow(figure, handWritten.cpuMs),
    "peak RSS MB": f(figure.maxRssMB),
    requests: figure.requests,
  })),
);
console.log(
  `   every subject but the last as deployed: NODE_OPTIONS="${DEPLOYED_NODE_OPTIONS}", V8 flags "${DEPLOYED_V8_FLAGS.join(" ")}"; this function without the V8 flags: ${f(withoutV8FlagsCpuMs)} ms CPU (median of 3, run after), ${f(withoutV8FlagsCpuMs / handWritten.cpuMs, 2)} × reference`,
);
console.log(
  `CPU per record: ${f(concurrent.cpuUsPerRecord, 1)} µs against ${f(handWritten.cpuUsPerRecord, 1)} µs for a hand-written function (× ${f(handWrittenCpuRatio, 2)}), ${f(reference.cpuUsPerRecord, 1)} µs for its client with this function's runtime settings (× ${f(cpuRatio, 2)}); latency floor ${floorMs} ms`,
);
console.log(
  "The same batch in steady state: the third full batch of one process (code optimized, connections open)",
);
console.table(
  steadyFigures.map((figure) => ({
    ...batchRow(figure, steadyHandWritten.cpuMs),
    "RSS before MB": f(figure.rssBeforeMB),
    "peak RSS MB": f(figure.maxRssMB),
  })),
);
console.table([
  {
    run: "MAX_CONCURRENCY=16",
    "wall ms": f(concurrent.wallMs),
    "CPU ms": f(concurrent.cpuMs),
    requests: concurrent.requests,
    "floor ms": floorMs,
    "× floor": f(concurrent.wallMs / floorMs, 2),
  },
  {
    run: `MAX_CONCURRENCY=1${quick ? ` (${serialBatch.records} records, scaled)` : ""}`,
    "wall ms": f(serialWallFor10k),
    "CPU ms": f(serial.cpuMs * (BATCH.records / serialBatch.records)),
    requests: serialStats.calls,
    "floor ms": batchPacking.minimumRequests * LATENCY_MS,
    "× floor": f(serialWallFor10k / (batchPacking.minimumRequests * LATENCY_MS), 2),
  },
]);
console.log("3–4. Requests next to the minimum, billed 64 KB chunks per record");
console.table(
  packing.map((p) => ({
    mix: p.name,
    records: p.records,
    MB: f(p.entryBytes / 1e6, 1),
    requests: p.requests,
    minimum: p.minimumRequests,
    "in arrival order": p.inOrderRequests,
    ratio: p.ratio,
    "chunks/record": p.chunksPerRecord,
  })),
);
console.log(`Cost per million records (list prices of ${PRICES.checkedOn}), mix "${mixed?.name}"`);
console.table([
  ...cost,
  ...costTypical.map((row) => ({ ...row, path: `${row.path}, ${HANDLER_VALUE_BYTES} B values` })),
]);
console.log("5. Memory, bundle, cold start");
console.table([
  {
    figure: "peak RSS, 10k batch (MB, median)",
    value: f(maxRssMB),
    reference: `${f(rssLimitMB)} (4 × batch + 100 MB)`,
  },
  {
    figure: "  of which: warm container before the event",
    value: f(concurrent.rssBeforeMB),
    reference: "",
  },
  { figure: "  of which: with the event parsed", value: f(concurrent.rssWithEventMB), reference: "" },
  {
    figure: "peak RSS at V8's default heap sizing (MB)",
    value: f(v8Defaults.maxRssMB),
    reference: `NODE_OPTIONS="" instead of "${DEPLOYED_NODE_OPTIONS}"`,
  },
  {
    figure: "  single-file bundle: peak / before the event (MB)",
    value: `${f(singleFile.maxRssMB)} / ${f(singleFile.rssBeforeMB)}`,
    reference: "the same batch, code not split",
  },
  {
    figure: "bundle at cold start: index.mjs + static chunks (KB)",
    value: f(bundleFigure.split.coldStartBytes / 1024),
    reference: "1,024",
  },
  {
    figure: `  of which index.mjs; + ${bundleFigure.split.coldStartChunks} chunks (KB)`,
    value: f(bundleFigure.split.entryBytes / 1024),
    reference: "",
  },
  {
    figure: `  all ${bundleFigure.split.chunks + 1} files, chunks loaded on first use included (KB)`,
    value: f(bundleFigure.split.totalBytes / 1024),
    reference: `single file: ${f(bundleFigure.singleFile.bytes / 1024)}`,
  },
  {
    figure: "  at cold start, @aws-sdk/* external (KB)",
    value: f(bundleFigure.splitWithoutSdk.coldStartBytes / 1024),
    reference: "",
  },
  {
    figure: "cold import of index.mjs (ms, median)",
    value: f(bundleFigure.split.coldImportMs),
    reference: `300; single file: ${f(bundleFigure.singleFile.coldImportMs)}`,
  },
  {
    figure: "fresh node process + import (ms)",
    value: f(bundleFigure.split.coldProcessMs),
    reference: `single file: ${f(bundleFigure.singleFile.coldProcessMs)}`,
  },
]);
console.log(`6. Adaptive vs fixed concurrency (MAX_CONCURRENCY=16, RETRIES_MAX=2, ${LATENCY_MS} ms latency)`);
console.table(
  throttling.map((t) => ({
    scenario: t.scenario,
    policy: t.policy,
    "wall ms": f(t.wallMs),
    "× fixed": f(t.ratioToFixed ?? Number.NaN, 3),
    requests: t.requests,
    throttled: t.throttledEntries,
    delivered: t.delivered,
    failed: t.failed,
  })),
);
console.log(
  "7. Registry payloads of ~1 KB documents: Avro and Protobuf rendering next to the JSON path (median)",
);
console.table(
  decode.map((d) => ({
    format: d.format,
    "value B": d.valueBytes,
    "records/s": f(d.recordsPerSecond),
    "MB/s": f(d.megabytesPerSecond, 1),
    "× JSON": d.ratioToJson,
  })),
);
console.log("8. Schema registry (issue 9): registry calls and the cold import of a bundle with the codecs");
console.table([
  {
    "records / schemas": `${registryCalls.records} / ${registryCalls.schemas}`,
    "calls, first batch": registryCalls.callsCold,
    "calls, same batch again": registryCalls.callsWarm,
    "cold-start KB": f(codecImport.coldStartBytes / 1024),
    "all files KB": f(codecImport.totalBytes / 1024),
    "cold import ms": f(codecImport.coldImportMs),
    "+ codecs loaded ms": f(codecImport.withCodecsLoadedMs),
  },
]);
console.log("Targets (issues 5 and 14)");
console.table(
  targets.map((t) => ({
    figure: t.figure,
    value: f(t.value, 2),
    target: "target" in t ? t.target : "",
    met: !("met" in t) ? "" : t.met ? "yes" : "NO",
  })),
);
console.log(`Figures written to bench/results.json (${f(results.durationSeconds)} s).`);
