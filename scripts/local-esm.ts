/**
 * Runs the function against a real Kafka cluster, the way Lambda's Kafka event source mapping would.
 * Usage: npm run local-esm -- --brokers localhost:9092 --topics orders,customers [options]
 * The handler reads its configuration (CONNECTOR_ID, EVENT_BUS_ARN, ...) from this process's
 * environment. Documentation: docs/local-esm.md
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { LambdaHandler } from "../tooling/local-esm/invocation";
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCHING_WINDOW_MS,
  LocalEventSourceMapping,
} from "../tooling/local-esm/local-esm";

const USAGE = `Usage: npm run local-esm -- --brokers <host:port,...> --topics <topic,...> [options]

  --brokers <list>                 bootstrap servers (required)
  --topics <list>                  topics to consume (required); each batch holds one topic, as with one ESM per topic
  --group-id <id>                  consumer group (default: local-esm-<topics>)
  --cluster-arn <arn>              MSK cluster ARN: send "aws:kafka" events with eventSourceArn (default: SelfManagedKafka)
  --batch-size <n>                 records per invocation, 1..10000 (default ${DEFAULT_BATCH_SIZE})
  --batching-window-ms <ms>        gather records this long before a partial batch (default ${DEFAULT_BATCHING_WINDOW_MS})
  --timeout-s <s>                  function timeout; getRemainingTimeInMillis() counts down from it (default 60)
  --starting-position <pos>        TRIM_HORIZON | LATEST for a group with no committed offset (default TRIM_HORIZON)
  --report-batch-item-failures     read batchItemFailures (set PARTIAL_BATCH_RESPONSE=true for the handler too)
  --retry-attempts <n>             retries before the on-failure destination (default: -1, i.e. 10 with a destination)
  --on-failure <target>            SQS queue URL or kafka://<topic> for what exhausts its retries
  --handler <file>                 module exporting the handler (default lambda/handler.ts)
  --handler-export <name>          exported name (default handler)
  --quiet                          log only errors and on-failure sends, not every invocation
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      brokers: { type: "string" },
      topics: { type: "string" },
      "group-id": { type: "string" },
      "cluster-arn": { type: "string" },
      "batch-size": { type: "string" },
      "batching-window-ms": { type: "string" },
      "timeout-s": { type: "string" },
      "starting-position": { type: "string" },
      "report-batch-item-failures": { type: "boolean" },
      "retry-attempts": { type: "string" },
      "on-failure": { type: "string" },
      handler: { type: "string" },
      "handler-export": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || !values.brokers || !values.topics) {
    process.stderr.write(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const number = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n)) throw new RangeError(`--${name} must be a number, got ${text}`);
    return n;
  };
  const position = values["starting-position"] ?? "TRIM_HORIZON";
  if (position !== "TRIM_HORIZON" && position !== "LATEST")
    throw new RangeError(`--starting-position must be TRIM_HORIZON or LATEST, got ${position}`);

  const file = resolve(values.handler ?? "lambda/handler.ts");
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = module[values["handler-export"] ?? "handler"];
  if (typeof handler !== "function") throw new TypeError(`${file} does not export a function named handler`);

  const quiet = values.quiet ?? false;
  const esm = new LocalEventSourceMapping({
    brokers: values.brokers.split(","),
    topics: values.topics.split(","),
    handler: handler as LambdaHandler,
    groupId: values["group-id"],
    clusterArn: values["cluster-arn"],
    batchSize: number("batch-size", values["batch-size"]),
    batchingWindowMs: number("batching-window-ms", values["batching-window-ms"]),
    timeoutMs: (number("timeout-s", values["timeout-s"]) ?? 60) * 1000,
    startingPosition: position,
    reportBatchItemFailures: values["report-batch-item-failures"] ?? false,
    maximumRetryAttempts: number("retry-attempts", values["retry-attempts"]),
    onFailure: values["on-failure"],
    log: (message, fields) => {
      if (quiet && message === "invoked") return;
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), message, ...fields })}\n`);
    },
  });
  await esm.start();
  let stopping = false;
  const stop = async () => {
    if (stopping) {
      process.stderr.write("stopping now, without committing the invocation in flight\n");
      await esm.abort();
      process.exit(130);
    }
    stopping = true;
    process.stderr.write("stopping: finishing the invocation in flight and committing...\n");
    await esm.stop();
    process.stderr.write(`${JSON.stringify({ message: "stopped", ...esm.stats })}\n`);
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
