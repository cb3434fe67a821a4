// A child process that runs the real handler (lambda/handler.ts, bundled as deployed) in process on one
// Kafka batch, the way the Lambda runtime does: configuration from the environment at import, the event
// parsed from its JSON text, a context with a real deadline. Reports its figures over IPC.
import { handler } from "../lambda/handler";
import { lambdaContext } from "../scripts/local-aws/lambda-context";
import { kafkaEvent } from "../test/support/kafka-records";
import { jsonRecords } from "./payloads";

export interface HandlerBatchSettings {
  readonly records: number;
  readonly valueBytes: number;
  readonly partitions: number;
}

export interface HandlerBatchResult {
  readonly type: "result";
  readonly wallMs: number;
  /** CPU time of this process during the invocation (user + system): near wallMs means CPU-bound. */
  readonly cpuMs: number;
  readonly eventBytes: number;
  readonly batchItemFailures: number;
  readonly rssBeforeMB: number;
  readonly maxRssMB: number;
}

const settings = JSON.parse(process.argv[2] ?? "{}") as HandlerBatchSettings;
const context = () => lambdaContext(900_000);

// A small warm-up invocation: a warm container has its connections open and its code compiled.
await handler(JSON.parse(JSON.stringify(kafkaEvent(jsonRecords(20, settings.valueBytes)))), context());

let text: string | undefined = JSON.stringify(
  kafkaEvent(jsonRecords(settings.records, settings.valueBytes, settings.partitions)),
);
const eventBytes = Buffer.byteLength(text, "utf8");
const event: unknown = JSON.parse(text);
text = undefined;
const rssBefore = process.memoryUsage().rss;

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
  batchItemFailures: response.batchItemFailures.length,
  rssBeforeMB: rssBefore / 2 ** 20,
  // resourceUsage().maxRSS is in kilobytes: the peak of the whole process, import and event included.
  maxRssMB: process.resourceUsage().maxRSS / 1024,
};
process.send?.(result, () => process.exit(0));
