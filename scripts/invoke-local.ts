// Runs the real handler in process on a sample ESM event: `npm start -- events/msk-orders.json`.
// With EVENT_BUS_ARN and AWS credentials (or an EVENTBRIDGE_ENDPOINT_URL) set, it sends for real;
// otherwise it is a dry run against a local endpoint that accepts every call, and prints what the
// function sent (PutEvents entries, dead letters) and its batch response.
import { readFileSync } from "node:fs";
import { lambdaContext } from "../tooling/local-aws/lambda-context";
import {
  type LocalAwsEndpoint,
  startLocalAwsEndpoint,
  type WireEntry,
} from "../tooling/local-aws/local-aws-endpoint";

const args = process.argv.slice(2);
const eventFile = args.find((arg) => !arg.startsWith("--")) ?? "events/msk-orders.json";
const timeoutMs = Number(process.env.LOCAL_TIMEOUT_MS ?? 60_000);

const env = process.env;
const hasCredentials = Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE);
const real = Boolean(
  env.EVENT_BUS_ARN && (hasCredentials || env.EVENTBRIDGE_ENDPOINT_URL || env.AWS_ENDPOINT_URL),
);

let endpoint: LocalAwsEndpoint | undefined;
if (!real) {
  endpoint = await startLocalAwsEndpoint();
  env.CONNECTOR_ID ??= "local";
  env.EVENT_BUS_ARN ??= "arn:aws:events:us-east-1:123456789012:event-bus/default";
  env.EVENTBRIDGE_ENDPOINT_URL = endpoint.url;
  env.AWS_ENDPOINT_URL_SQS = endpoint.url;
  env.DLQ_URL ??= `${endpoint.url}/123456789012/kafka-eventbridge-dlq`;
  env.AWS_ACCESS_KEY_ID = "dry-run";
  env.AWS_SECRET_ACCESS_KEY = "dry-run";
  env.AWS_REGION ??= "us-east-1";
  env.POWERTOOLS_METRICS_DISABLED ??= "true";
  env.POWERTOOLS_LOG_LEVEL ??= "WARN";
}

/** An entry as JSON with its Detail embedded verbatim (re-parsing would round big integers). */
function printable(entry: WireEntry): string {
  const { Detail, ...rest } = entry;
  const head = JSON.stringify(rest, null, 2).slice(0, -2);
  return `${head},\n  "Detail": ${Detail}\n}`;
}

const event: unknown = JSON.parse(readFileSync(eventFile, "utf8"));
const { handler } = await import("../lambda/handler");
let exitCode = 0;
try {
  const response = await handler(event, lambdaContext(timeoutMs));
  if (endpoint) {
    console.log(`Dry run of ${eventFile}: no AWS call left this machine.\n`);
    const entries = endpoint.events;
    console.log(`PutEvents: ${entries.length} entries in ${endpoint.putEvents.length} request(s)`);
    for (const entry of entries) console.log(printable(entry));
    console.log(`\nDead-letter messages: ${endpoint.deadLetters.length}`);
    for (const message of endpoint.deadLetters)
      console.log(JSON.stringify(JSON.parse(message.MessageBody), null, 2));
  }
  console.log(`\nBatch response: ${JSON.stringify(response)}`);
} catch (error) {
  console.error(
    `Invocation failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
  exitCode = 1;
} finally {
  await endpoint?.close();
}
process.exit(exitCode);
