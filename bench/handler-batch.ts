// A child process that runs the real handler (lambda/handler.ts, bundled as deployed) in process on one
// Kafka batch, the way the Lambda runtime does: configuration from the environment at import, the event
// parsed from its JSON text, a context with a real deadline. Reports its figures over IPC.
import { readFileSync } from "node:fs";
import { handler } from "../lambda/handler";
import { lambdaContext } from "../tooling/local-aws/lambda-context";

export interface HandlerBatchSettings {
  /** The batch's ESM event as JSON text, written by the parent (bench/run.ts). */
  readonly eventFile: string;
  /** A small event for the warm-up invocation. */
  readonly warmUpFile: string;
}

export interface HandlerBatchResult {
  readonly type: "result";
  readonly wallMs: number;
  /** CPU time of this process during the invocation (user + system): near wallMs means CPU-bound. */
  readonly cpuMs: number;
  readonly eventBytes: number;
  readonly records: number;
  readonly batchItemFailures: number;
  /** After import and the warm-up invocation: what a warm container holds before the next event. */
  readonly rssBeforeMB: number;
  /** With the event's JSON text read and parsed, as the runtime hands it over. */
  readonly rssWithEventMB: number;
  readonly maxRssMB: number;
}

const settings = JSON.parse(process.argv[2] ?? "{}") as HandlerBatchSettings;
const context = () => lambdaContext(900_000);
const rssMB = () => process.memoryUsage().rss / 2 ** 20;

// A small warm-up invocation: a warm container has its connections open and its code compiled.
await handler(JSON.parse(readFileSync(settings.warmUpFile, "utf8")), context());
const rssBeforeMB = rssMB();

// The runtime receives the event as JSON text and parses it before calling the handler.
let text: string | undefined = readFileSync(settings.eventFile, "utf8");
const eventBytes = Buffer.byteLength(text, "utf8");
const event = JSON.parse(text) as { records: Record<string, unknown[]> };
text = undefined;
const records = Object.values(event.records).reduce((total, list) => total + list.length, 0);
const rssWithEventMB = rssMB();

const cpuBefore = process.cpuUsage();
const start = performance.now();
const response = (await handler(event, context())) as { batchItemFailures: unknown[] };
const wallMs = performance.now() - start;
const cpu = process.cpuUsage(cpuBefore);

const result: HandlerBatchResult = {
  type: "result",
  wallMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  eventBytes,
  records,
  batchItemFailures: response.batchItemFailures.length,
  rssBeforeMB,
  rssWithEventMB,
  // resourceUsage().maxRSS is in kilobytes: the peak of the whole process, import and event included.
  maxRssMB: process.resourceUsage().maxRSS / 1024,
};
process.send?.(result, () => process.exit(0));
