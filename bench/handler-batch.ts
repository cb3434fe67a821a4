// A child process that runs the real handler (lambda/handler.ts, bundled as deployed) in process on one
// Kafka batch, the way the Lambda runtime does: configuration from the environment at import, the event
// parsed from its JSON text, a context with a real deadline. Reports its figures over IPC.
// With `publisher` other than "project", the same batch goes through the same pipeline (processBatch)
// with an SDK-based publisher instead, for the side-by-side figures of issue 14.
import { readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import type { Context } from "aws-lambda";
import { loadConfig } from "../lambda/config";
import { parseKafkaEvent } from "../lambda/core/kafka-event";
import { deadlineFrom } from "../lambda/delivery/deadline";
import { handler } from "../lambda/handler";
import { processBatch } from "../lambda/process-batch";
import { reportBatch } from "../lambda/telemetry";
import { lambdaContext } from "../tooling/local-aws/lambda-context";
import { sdkDefaultPublisher, sdkTunedPublisher } from "./sdk-publishers";

/**
 * The process's peak RSS, import and event included: Linux's `VmHWM`. Not `resourceUsage().maxRSS`:
 * getrusage keeps the high-water mark across `execve`, so a child forked from a large bench process
 * reports the parent's RSS at fork time when that is higher than its own peak (measured: a child of a
 * 341 MB parent reported 304 MB, its VmHWM 42 MB). Other systems fall back to `maxRSS`.
 */
function peakRssMB(): number {
  try {
    const kilobytes = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kilobytes !== undefined) return Number(kilobytes) / 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Who sends the PutEvents requests: the function as deployed, or an SDK client (bench/sdk-publishers.ts). */
export type PublisherVariant = "project" | "sdk-default" | "sdk-tuned";

export interface HandlerBatchSettings {
  /** The batch's ESM event as JSON text, written by the parent (bench/run.ts). */
  readonly eventFile: string;
  /** A small event for the warm-up invocation. */
  readonly warmUpFile: string;
  readonly publisher: PublisherVariant;
  /**
   * Full batches (the measured event) invoked after the small warm-up and before the measured one:
   * 0 measures a container's first full batch, whose code V8 is still compiling as it runs; 2 measures
   * the steady state of a container that drains a partition batch after batch.
   */
  readonly fullWarmUps?: number;
  /**
   * Runs V8's sampling heap profiler (collected objects included) around the invocation for the bytes
   * it allocates; this costs CPU, so the CPU figures come from runs without it.
   */
  readonly sampleAllocations?: boolean;
  /** With `sampleAllocations`, writes the `.heapprofile` of the invocation here. */
  readonly heapProfileFile?: string;
  /** Writes a `.cpuprofile` of the invocation here (bench/profile-batch.ts). */
  readonly cpuProfileFile?: string;
}

export interface HandlerBatchResult {
  readonly type: "result";
  readonly wallMs: number;
  /** CPU time of this process during the invocation (user + system): near wallMs means CPU-bound. */
  readonly cpuMs: number;
  /** Of which in the kernel (socket reads and writes, mostly). */
  readonly systemCpuMs: number;
  readonly eventBytes: number;
  readonly records: number;
  readonly batchItemFailures: number;
  /** After import and the warm-up invocations: what a warm container holds before the next event. */
  readonly rssBeforeMB: number;
  /** With the event's JSON text read and parsed, as the runtime hands it over. */
  readonly rssWithEventMB: number;
  readonly maxRssMB: number;
  /** Bytes allocated during the invocation (sampling heap profiler estimate), when sampled. */
  readonly allocatedBytes?: number;
}

type Invoke = (event: unknown, context: Context) => Promise<{ batchItemFailures: unknown[] }>;

/** The handler as deployed, or the same pipeline (all but middy's wrappers) with an SDK-based publisher. */
function invoker(variant: PublisherVariant): Invoke {
  if (variant === "project") return (event, context) => handler(event, context);
  const config = loadConfig();
  const publisher =
    variant === "sdk-default"
      ? sdkDefaultPublisher(config.globalEndpointId)
      : sdkTunedPublisher(config.globalEndpointId, config.maxConcurrency);
  return async (event, context) => {
    const deadline = deadlineFrom(() => context.getRemainingTimeInMillis(), config.deadlineMarginMs);
    const batch = parseKafkaEvent(event);
    const result = await processBatch(batch, config, { publisher, deadLetters: undefined }, deadline);
    // As the handler does (its logs and metrics are part of every variant's cost).
    reportBatch(result, config);
    return result.response;
  };
}

interface SamplingNode {
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}
const totalSize = (node: SamplingNode): number =>
  node.children.reduce((total, child) => total + totalSize(child), node.selfSize);

const settings = JSON.parse(process.argv[2] ?? "{}") as HandlerBatchSettings;
const context = () => lambdaContext(900_000);
const rssMB = () => process.memoryUsage().rss / 2 ** 20;

const invoke = invoker(settings.publisher);
// A small warm-up invocation: a warm container has its connections open and its code compiled.
await invoke(JSON.parse(readFileSync(settings.warmUpFile, "utf8")), context());
// Each from its JSON text, as the runtime hands every invocation a newly parsed event.
for (let run = 0; run < (settings.fullWarmUps ?? 0); run += 1)
  await invoke(JSON.parse(readFileSync(settings.eventFile, "utf8")), context());
const rssBeforeMB = rssMB();

// The runtime receives the event as JSON text and parses it before calling the handler.
let text: string | undefined = readFileSync(settings.eventFile, "utf8");
const eventBytes = Buffer.byteLength(text, "utf8");
const event = JSON.parse(text) as { records: Record<string, unknown[]> };
text = undefined;
const records = Object.values(event.records).reduce((total, list) => total + list.length, 0);
const rssWithEventMB = rssMB();

const session = new Session();
session.connect();
if (settings.sampleAllocations) {
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}
if (settings.cpuProfileFile !== undefined) {
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}

const cpuBefore = process.cpuUsage();
const start = performance.now();
const response = await invoke(event, context());
const wallMs = performance.now() - start;
const cpu = process.cpuUsage(cpuBefore);

let allocatedBytes: number | undefined;
if (settings.sampleAllocations) {
  const { profile } = await session.post("HeapProfiler.stopSampling");
  allocatedBytes = totalSize(profile.head);
  if (settings.heapProfileFile !== undefined)
    writeFileSync(settings.heapProfileFile, JSON.stringify(profile));
}
if (settings.cpuProfileFile !== undefined) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(settings.cpuProfileFile, JSON.stringify(profile));
}

const result: HandlerBatchResult = {
  type: "result",
  wallMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  systemCpuMs: cpu.system / 1000,
  eventBytes,
  records,
  batchItemFailures: response.batchItemFailures.length,
  rssBeforeMB,
  rssWithEventMB,
  maxRssMB: peakRssMB(),
  ...(allocatedBytes === undefined ? {} : { allocatedBytes }),
};
process.send?.(result, () => process.exit(0));
