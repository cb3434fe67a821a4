/**
 * Runs the function against a real Kafka cluster, the way Lambda's Kafka event source mapping would,
 * with the CDK app's defaults. Usage: npm run local-esm -- --brokers host:port --topics orders [options]
 * The handler reads its configuration (CONNECTOR_ID, EVENT_BUS_ARN, ...) from this process's
 * environment. Documentation: docs/local-esm.md
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { integerOption, parseCliArgs, runCli, UsageError } from "../tooling/cli/cli";
import {
  brokersFrom,
  KAFKA_SECURITY_OPTIONS,
  KAFKA_SECURITY_USAGE,
  kafkaSecurityFrom,
} from "../tooling/cli/kafka-options";
import { checkSettings, formatReport } from "../tooling/config-check/config-report";
import { startDryRun } from "../tooling/local-aws/dry-run";
import type { LocalAwsEndpoint } from "../tooling/local-aws/local-aws-endpoint";
import { startLocalAwsEndpoint } from "../tooling/local-aws/local-aws-endpoint";
import { DEPLOYED_DEFAULTS } from "../tooling/local-esm/deployed-defaults";
import { tapHandlerOutput } from "../tooling/local-esm/handler-output";
import type { LambdaHandler } from "../tooling/local-esm/invocation";
import { kafkaConnectionOptions } from "../tooling/local-esm/kafka-connection";
import { deadLetterFile } from "../tooling/local-esm/local-dead-letters";
import {
  DEFAULT_BATCHING_WINDOW_MS,
  type InvocationSummary,
  LocalEventSourceMapping,
} from "../tooling/local-esm/local-esm";

const D = DEPLOYED_DEFAULTS;
const USAGE = `Usage: npm run local-esm -- --brokers <host:port,...> --topics <topic,...> [options]

Consumes the topics and invokes the function in this process as Lambda's Kafka event source mapping
does, with the CDK app's defaults. Prints one line per invocation: records, delivered, dead-lettered,
failed, committed offsets. The handler reads its settings (CONNECTOR_ID, EVENT_BUS_ARN, ...) from
this process's environment; Ctrl-C stops after the invocation in flight.

  --brokers <list>               bootstrap servers (required)
  --topics <list>                topics (required); a batch holds one topic, as with one mapping per topic
  --dry-run                      PutEvents and SQS answered by a local endpoint; prints the configuration
  --group-id <id>                consumer group (default local-esm-<topics>)
  --cluster-arn <arn>            MSK cluster ARN: "aws:kafka" events with eventSourceArn (default SelfManagedKafka)
  --batch-size <n>               records per invocation, 1..10000 (default ${D.batchSize})
  --batching-window-ms <ms>      gather records this long before a partial batch (default ${DEFAULT_BATCHING_WINDOW_MS})
  --timeout-s <s>                function timeout (default ${D.timeoutSeconds})
  --starting-position <pos>      TRIM_HORIZON | LATEST for a group with no committed offset (default ${D.startingPosition})
  --partial-batch-response <b>   true | false: ReportBatchItemFailures, and PARTIAL_BATCH_RESPONSE for the
                                 handler (default ${D.reportBatchItemFailures})
  --retry-attempts <n>           retries of a failed record before the on-failure destination, -1 = 10 (default ${D.maximumRetryAttempts})
  --on-failure <target>          SQS queue URL, kafka://<topic> or file:<path> (default ${D.onFailure})
  --dead-letter-file <path>      where dead letters go when DLQ_URL is unset, and in a dry run
                                 (default local-esm-dead-letters.jsonl)
  --handler <file>               module exporting the handler (default lambda/handler.ts)
  --handler-export <name>        exported name (default handler)
  --quiet                        progress lines only: the handler's own logs are silenced too
  -h, --help                     this help

${KAFKA_SECURITY_USAGE}`;

function progressLine(
  n: number,
  summary: InvocationSummary,
  counts: ReturnType<ReturnType<typeof tapHandlerOutput>["take"]>,
  onFailure: string,
): string {
  const handled =
    counts === undefined
      ? `${summary.succeeded} handled`
      : `${counts.delivered} delivered, ${counts.deadLettered} dead-lettered`;
  const committed = Object.entries(summary.committed).map(([partition, offset]) => `${partition}@${offset}`);
  const parts = [
    `#${n} ${summary.partitions.join(",")}: ${summary.records} records -> ${handled}, ${summary.failed} failed`,
    ...(summary.toDestination > 0 ? [`${summary.toDestination} sent to ${onFailure}`] : []),
    committed.length > 0 ? `committed ${committed.join(" ")}` : "nothing committed",
  ];
  const error = summary.error === undefined ? "" : ` [function error ${summary.error}]`;
  return `${parts.join("; ")} (${summary.ms} ms)${error}`;
}

runCli(
  "local-esm",
  async () => {
    const { values } = parseCliArgs(process.argv.slice(2), {
      brokers: { type: "string" },
      topics: { type: "string" },
      "dry-run": { type: "boolean" },
      "group-id": { type: "string" },
      "cluster-arn": { type: "string" },
      "batch-size": { type: "string" },
      "batching-window-ms": { type: "string" },
      "timeout-s": { type: "string" },
      "starting-position": { type: "string" },
      "partial-batch-response": { type: "string" },
      "retry-attempts": { type: "string" },
      "on-failure": { type: "string" },
      "dead-letter-file": { type: "string" },
      handler: { type: "string" },
      "handler-export": { type: "string" },
      quiet: { type: "boolean" },
      ...KAFKA_SECURITY_OPTIONS,
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const brokers = brokersFrom(values.brokers);
    if (values.topics === undefined) throw new UsageError("--topics is required (--help for usage)");
    const topics = values.topics
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t !== "");
    const position = values["starting-position"] ?? D.startingPosition;
    if (position !== "TRIM_HORIZON" && position !== "LATEST") {
      throw new UsageError(`--starting-position must be TRIM_HORIZON or LATEST, got "${position}"`);
    }
    const partialText = (values["partial-batch-response"] ?? String(D.reportBatchItemFailures)).toLowerCase();
    if (partialText !== "true" && partialText !== "false") {
      throw new UsageError(
        `--partial-batch-response must be true or false, got "${values["partial-batch-response"]}"`,
      );
    }
    const partial = partialText === "true";
    const onFailure = values["on-failure"] ?? D.onFailure;
    if (!/^(https?:\/\/|kafka:\/\/|file:)/.test(onFailure)) {
      throw new UsageError(
        `--on-failure must be an SQS queue URL, kafka://<topic> or file:<path>, got "${onFailure}"`,
      );
    }
    const clusterRegion = values["cluster-arn"]?.split(":")[3];
    let connection: ReturnType<typeof kafkaConnectionOptions>;
    try {
      connection = kafkaConnectionOptions(kafkaSecurityFrom(values, process.env, clusterRegion));
    } catch (error) {
      throw error instanceof UsageError ? error : new UsageError((error as Error).message);
    }
    const options = {
      batchSize: integerOption("batch-size", values["batch-size"], 1, 10_000) ?? D.batchSize,
      batchingWindowMs:
        integerOption("batching-window-ms", values["batching-window-ms"], 0, 300_000) ??
        DEFAULT_BATCHING_WINDOW_MS,
      timeoutMs: (integerOption("timeout-s", values["timeout-s"], 1, 900) ?? D.timeoutSeconds) * 1000,
      maximumRetryAttempts:
        integerOption("retry-attempts", values["retry-attempts"], -1, 10_000) ?? D.maximumRetryAttempts,
    };

    // The handler must read the batch response the mapping reads.
    const env = process.env;
    if (
      env.PARTIAL_BATCH_RESPONSE !== undefined &&
      env.PARTIAL_BATCH_RESPONSE.toLowerCase() !== partialText
    ) {
      throw new UsageError(
        `PARTIAL_BATCH_RESPONSE=${env.PARTIAL_BATCH_RESPONSE} disagrees with --partial-batch-response ${partialText}: the mapping and the function must agree`,
      );
    }
    env.PARTIAL_BATCH_RESPONSE = partialText;
    const dryRun = values["dry-run"] ?? false;
    let endpoint: LocalAwsEndpoint | undefined;
    if (dryRun) endpoint = await startDryRun(env);
    else if (env.DLQ_URL === undefined && values.handler === undefined) {
      // The deployed function always has a dead-letter queue (the CDK app creates it); locally a file
      // stands in, so a poison record is dead-lettered at once instead of failing its partition.
      endpoint = await startLocalAwsEndpoint();
      env.DLQ_URL = `${endpoint.url}/000000000000/local-esm-dead-letters`;
      env.AWS_ENDPOINT_URL_SQS ??= endpoint.url;
      env.AWS_REGION ??= env.EVENT_BUS_ARN?.split(":")[3] ?? "us-east-1";
    }
    const deadLetterPath = values["dead-letter-file"] ?? "local-esm-dead-letters.jsonl";
    const deadLetters = endpoint === undefined ? undefined : deadLetterFile(endpoint, deadLetterPath);

    const handlerFile = resolve(values.handler ?? "lambda/handler.ts");
    const custom = values.handler !== undefined;
    const report = custom ? undefined : checkSettings(env, { topics, onlyLikelyNames: true });
    if (report !== undefined && report.config === undefined) {
      await endpoint?.close();
      throw new UsageError(
        `the function's settings are invalid: ${report.problems.join("; ")} (npm run check-config for details)`,
      );
    }
    const quiet = values.quiet ?? false;
    const settingsLine = `brokers ${brokers.join(",")}, topics ${topics.join(",")}, batch size ${options.batchSize}, window ${options.batchingWindowMs} ms, timeout ${options.timeoutMs / 1000} s, starting position ${position}, partial batch response ${partial}, retry attempts ${options.maximumRetryAttempts}, on failure ${onFailure}${connection.sasl ? `, SASL ${connection.sasl.mechanism}` : ""}${connection.tls ? ", TLS" : ""}`;
    if (dryRun) {
      process.stderr.write(
        `Dry run: PutEvents and SQS go to ${endpoint?.url}, nothing leaves this machine.\nMapping: ${settingsLine}\n${report === undefined ? "" : `Function settings:${formatReport({ ...report, problems: [], unknown: [] }).replace(/^\s*Effective configuration:/m, "")}\n`}\n`,
      );
    } else if (!quiet) process.stderr.write(`Mapping: ${settingsLine}\n`);
    if (deadLetters !== undefined && !quiet)
      process.stderr.write(`Dead letters: appended to ${deadLetterPath}\n`);

    // The progress line counts delivered and dead-lettered records from the handler's EMF metrics,
    // which the tap reads and keeps off the console.
    env.POWERTOOLS_METRICS_DISABLED = "false";
    const tap = tapHandlerOutput({ quiet });
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(handlerFile).href)) as Record<string, unknown>;
    } catch (error) {
      tap.restore();
      await endpoint?.close();
      const code = (error as NodeJS.ErrnoException).code;
      throw code === "ERR_MODULE_NOT_FOUND"
        ? new UsageError(`--handler ${handlerFile}: no such module`)
        : new UsageError(`${handlerFile} failed to load: ${(error as Error).message}`);
    }
    const exportName = values["handler-export"] ?? "handler";
    const handler = module[exportName];
    if (typeof handler !== "function") {
      tap.restore();
      await endpoint?.close();
      throw new UsageError(`${handlerFile} does not export a function named ${exportName}`);
    }
    tap.take();

    let invocations = 0;
    const esm = new LocalEventSourceMapping({
      brokers,
      topics,
      handler: handler as LambdaHandler,
      ...(values["group-id"] === undefined ? {} : { groupId: values["group-id"] }),
      ...(values["cluster-arn"] === undefined ? {} : { clusterArn: values["cluster-arn"] }),
      ...options,
      startingPosition: position,
      reportBatchItemFailures: partial,
      onFailure,
      connection,
      onInvocation: (summary) => {
        deadLetters?.flush();
        tap.print(progressLine(++invocations, summary, tap.take(), onFailure));
      },
      log: (message, fields) => {
        // The progress line replaces "invoked"; --quiet keeps only problems (errors, retries, failed sends).
        if (
          message === "invoked" ||
          (quiet && ["started", "assigned", "sent to on-failure destination"].includes(message))
        )
          return;
        tap.print(`${message}${fields === undefined ? "" : ` ${JSON.stringify(fields)}`}`);
      },
    });
    try {
      await esm.start();
    } catch (error) {
      tap.restore();
      await endpoint?.close();
      throw error;
    }
    let stopping = false;
    const stop = async () => {
      if (stopping) {
        tap.print("stopping now, without committing the invocation in flight");
        await esm.abort();
        process.exit(130);
      }
      stopping = true;
      tap.print("stopping: finishing the invocation in flight and committing...");
      await esm.stop();
      await endpoint?.close();
      const s = esm.stats;
      tap.print(
        `stopped after ${s.invocations} invocations: ${s.recordsSucceeded} records handled, ${s.recordsToDestination} sent to ${onFailure}${s.commitErrors > 0 ? `, ${s.commitErrors} commit errors` : ""}`,
      );
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    return await new Promise<number>(() => {});
  },
  { exitOnError: true },
);
