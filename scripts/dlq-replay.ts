/**
 * Replays the dead-letter queue: rebuilds each record from its exact bytes, runs it through the function
 * (in process, or the deployed one) and deletes a message only once its record is handled.
 * Usage: npm run dlq-replay -- --queue-url URL (--env FILE | --function NAME) [--dry-run] [--limit N]
 * Documentation: docs/tools.md
 */
import { sqsClient } from "../lambda/adapters/sqs-dead-letters";
import {
  integerOption,
  parseCliArgs,
  parseEnvFile,
  readInputFile,
  runCli,
  UsageError,
} from "../tooling/cli/cli";
import { checkSettings, formatReport } from "../tooling/config-check/config-report";
import { s3ClaimCheckReader } from "../tooling/dlq-replay/claim-check-reader";
import { inProcessTarget } from "../tooling/dlq-replay/in-process-target";
import { formatReplayReport, replayDeadLetters } from "../tooling/dlq-replay/replay";
import type { ReplayTarget } from "../tooling/dlq-replay/replay-target";

const USAGE = `Usage: npm run dlq-replay -- --queue-url URL (--env FILE | --function NAME) [options]

Reads the function's dead-letter messages from SQS, rebuilds each Kafka record from the exact bytes the
message keeps, and runs it through the function again. A message is deleted only once its record is
handled: delivered, or dead-lettered again (a new message then holds it). Records that fail stay in
the queue. A dead letter over SQS's 1 MiB is read from the claim-check bucket its message names.
Prints one line per record and a summary: delivered / dead-lettered again / failed.

  --queue-url URL            the dead-letter queue (required)
  --env FILE                 run the function in this process with the settings of this env file
                             (NAME=value lines, as for check-config; AWS_* lines apply to the SDK too)
  --function NAME            invoke the deployed function (name or ARN); it should have
                             PARTIAL_BATCH_RESPONSE=true (the CDK app sets it) so failures are per record
  --dry-run                  list what would be replayed; invoke nothing, delete nothing
  --limit N                  replay at most N dead letters
  --topic NAME               only dead letters of this topic (repeatable, or comma-separated)
  --error-code CODE          only dead letters with this errorCode, e.g. InvalidJson (repeatable)
  --visibility-timeout S     how long the run hides the messages it holds (default 300)
  --quiet                    only the summary
  -h, --help                 this help
`;

const listOption = (values: string[] | undefined) =>
  values === undefined
    ? undefined
    : values
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter((v) => v !== "");

runCli("dlq-replay", async () => {
  const { values } = parseCliArgs(process.argv.slice(2), {
    "queue-url": { type: "string" },
    env: { type: "string" },
    function: { type: "string" },
    "dry-run": { type: "boolean" },
    limit: { type: "string" },
    topic: { type: "string", multiple: true },
    "error-code": { type: "string", multiple: true },
    "visibility-timeout": { type: "string" },
    quiet: { type: "boolean" },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const queueUrl = values["queue-url"];
  if (queueUrl === undefined) throw new UsageError("--queue-url is required (--help for usage)");
  if (!/^https?:\/\/\S+$/.test(queueUrl))
    throw new UsageError(`--queue-url must be an SQS queue URL, got "${queueUrl}"`);
  if (values.env !== undefined && values.function !== undefined)
    throw new UsageError("give --env or --function, not both");
  const dryRun = values["dry-run"] ?? false;
  if (!dryRun && values.env === undefined && values.function === undefined) {
    throw new UsageError(
      "give --env FILE (run in process) or --function NAME (invoke the deployed function)",
    );
  }
  const limit = integerOption("limit", values.limit, 1, Number.MAX_SAFE_INTEGER);
  const visibilityTimeoutSeconds = integerOption(
    "visibility-timeout",
    values["visibility-timeout"],
    30,
    43_200,
  );

  let target: ReplayTarget | undefined;
  if (values.env !== undefined) {
    const file = values.env;
    const env = parseEnvFile(readInputFile(file, "env file"), file);
    for (const [name, value] of Object.entries(env)) if (name.startsWith("AWS_")) process.env[name] = value;
    const report = checkSettings(env);
    if (report.config === undefined || report.unknown.length > 0) {
      const problems = [
        ...report.problems,
        ...report.unknown.map((u) => `${u.name} is not a setting of this function`),
      ];
      throw new UsageError(`${file}: ${problems.join("; ")}`);
    }
    if (dryRun)
      process.stdout.write(`Dry run with the settings of ${file}:\n${formatReport(report).trim()}\n\n`);
    else target = await inProcessTarget(report.config);
  } else if (values.function !== undefined) {
    if (dryRun) process.stdout.write(`Dry run: would invoke the deployed function ${values.function}\n\n`);
    else {
      const { LambdaClient } = await import("@aws-sdk/client-lambda");
      const { lambdaTarget } = await import("../tooling/dlq-replay/lambda-target");
      const region = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):/.exec(values.function)?.[1];
      target = lambdaTarget(new LambdaClient(region === undefined ? {} : { region }), values.function);
    }
  }
  const sqs = sqsClient(queueUrl);
  // A dead letter over SQS's 1 MiB keeps its body in the claim-check bucket: read from there.
  const claimChecks = s3ClaimCheckReader();
  const quiet = values.quiet ?? false;
  try {
    if (target !== undefined && !quiet)
      process.stdout.write(`Replaying ${queueUrl} through ${target.description}\n`);
    const report = await replayDeadLetters({
      sqs,
      queueUrl,
      target,
      dryRun,
      ...(limit === undefined ? {} : { limit }),
      ...(values.topic === undefined ? {} : { topics: listOption(values.topic) }),
      ...(values["error-code"] === undefined ? {} : { errorCodes: listOption(values["error-code"]) }),
      ...(visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds }),
      readClaimCheck: (dataref) => claimChecks.read(dataref),
      log: (line) => {
        if (!quiet) process.stdout.write(`${line}\n`);
      },
    });
    process.stdout.write(`${formatReplayReport(report, dryRun)}\n`);
    return report.failed > 0 || report.deleteFailures > 0 ? 1 : 0;
  } finally {
    await target?.close();
    sqs.destroy();
    claimChecks.close();
  }
});
