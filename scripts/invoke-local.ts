/**
 * Runs the real handler in process on a sample ESM event: `npm start -- events/msk-orders.json`.
 * With EVENT_BUS_ARN and AWS credentials (or an EVENTBRIDGE_ENDPOINT_URL) set, it sends for real;
 * otherwise it is a dry run against a local endpoint that accepts every call, and prints the
 * configuration it used, what the function sent (PutEvents entries, dead letters) and its batch response.
 */
import { parseKafkaEvent } from "../lambda/core/kafka-event";
import {
  integerOption,
  parseCliArgs,
  parseJsonWithComments,
  readInputFile,
  runCli,
  UsageError,
} from "../tooling/cli/cli";
import { checkSettings, formatReport, printableEntry } from "../tooling/config-check/config-report";
import { startDryRun } from "../tooling/local-aws/dry-run";
import { lambdaContext } from "../tooling/local-aws/lambda-context";
import type { LocalAwsEndpoint } from "../tooling/local-aws/local-aws-endpoint";

const USAGE = `Usage: npm start -- [event.json] [--timeout-ms N] [--dry-run]

Runs the function's handler in this process on a Kafka ESM event (default events/msk-orders.json).
Settings come from the environment, as in Lambda (npm run check-config checks them).

With EVENT_BUS_ARN and AWS credentials (or EVENTBRIDGE_ENDPOINT_URL) set, it sends for real.
Otherwise, or with --dry-run, PutEvents and SQS are answered by a local endpoint on 127.0.0.1: it
prints the configuration used, the entries sent, the dead-letter messages and the batch response.

  --dry-run          never call AWS, even with credentials set
  --timeout-ms N     the Lambda timeout the handler sees (default 60000, or LOCAL_TIMEOUT_MS)
  -h, --help         this help

LOG_LEVEL sets the handler's log level (dry run default: WARN).
`;

runCli("invoke-local", async () => {
  const { values, positionals } = parseCliArgs(
    process.argv.slice(2),
    { "dry-run": { type: "boolean" }, "timeout-ms": { type: "string" } },
    true,
  );
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [eventFile = "events/msk-orders.json", ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`one event file at a time, got also ${extra.join(" ")}`);
  const timeoutMs =
    integerOption("timeout-ms", values["timeout-ms"] ?? process.env.LOCAL_TIMEOUT_MS, 1, 900_000) ?? 60_000;
  const text = readInputFile(eventFile, "event file");
  let event: unknown;
  try {
    event = parseKafkaEvent(parseJsonWithComments(text, eventFile));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${eventFile}: ${(error as Error).message}`);
  }

  const env = process.env;
  const hasCredentials = Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE);
  const real =
    !values["dry-run"] &&
    Boolean(env.EVENT_BUS_ARN && (hasCredentials || env.EVENTBRIDGE_ENDPOINT_URL || env.AWS_ENDPOINT_URL));
  let endpoint: LocalAwsEndpoint | undefined;
  if (!real) {
    endpoint = await startDryRun(env);
    env.POWERTOOLS_METRICS_DISABLED ??= "true";
  }
  try {
    const report = checkSettings(env, { onlyLikelyNames: true });
    if (report.config === undefined) {
      throw new UsageError(
        `the function's settings are invalid: ${report.problems.join("; ")} (npm run check-config for details)`,
      );
    }
    if (endpoint) {
      console.log(`Dry run of ${eventFile}: no AWS call leaves this machine.\n`);
      console.log(
        `Configuration:${formatReport({ ...report, problems: [], unknown: [] }).replace(/^\s*Effective configuration:/m, "")}\n`,
      );
    }
    const { handler } = await import("../lambda/handler");
    let response: unknown;
    try {
      response = await handler(event, lambdaContext(timeoutMs));
    } catch (error) {
      throw new Error(
        `invocation failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
    }
    if (endpoint) {
      const entries = endpoint.events;
      console.log(`PutEvents: ${entries.length} entries in ${endpoint.putEvents.length} request(s)`);
      for (const entry of entries) console.log(printableEntry(entry));
      console.log(`\nDead-letter messages: ${endpoint.deadLetters.length}`);
      for (const message of endpoint.deadLetters)
        console.log(JSON.stringify(JSON.parse(message.MessageBody), null, 2));
    }
    console.log(`\nBatch response: ${JSON.stringify(response)}`);
    return 0;
  } finally {
    await endpoint?.close();
  }
});
