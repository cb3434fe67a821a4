/**
 * Checks the function's settings with its own loader and shows the effective configuration, and
 * optionally the exact PutEvents entry a sample record becomes.
 * Usage: npm run check-config -- [--env FILE | --context FILE] [--value TEXT | --value-file FILE]
 * Documentation: docs/tools.md
 */
import { parseKafkaEvent, recordsOf } from "../lambda/core/kafka-event";
import {
  integerOption,
  parseCliArgs,
  parseEnvFile,
  parseJsonWithComments,
  readInputBytes,
  readInputFile,
  runCli,
  UsageError,
} from "../tooling/cli/cli";
import {
  checkSettings,
  formatReport,
  printableEntry,
  renderSample,
  settingsFromContext,
} from "../tooling/config-check/config-report";
import { kafkaRecord } from "../tooling/kafka-records";

const USAGE = `Usage: npm run check-config -- [settings] [sample record]

Validates the function's settings with its own loader (lambda/config.ts), reports every problem at
once (unknown names with the closest known one, bad values, suspicious detail-types), then prints the
effective configuration with its defaults. Exit code 1 when the function would not start.

Settings (one of; default: this process's environment):
  --env FILE            NAME=value lines (# comments, quotes, "export " allowed)
  --context FILE        CDK context: cdk.json, or a JSON object of context values (-c name=value)

Sample record: render it into the exact PutEvents entry the function would send
  --value TEXT          the record's value (UTF-8 text)
  --value-file FILE     the record's value, bytes of a file
  --key TEXT            the record's key (default: none)
  --header NAME=VALUE   a header (repeatable)
  --topic NAME          default: the first topic of --context, else "orders"
  --partition N / --offset N / --timestamp MS
  --event FILE          an ESM event (events/*.json): render each of its records
  -h, --help            this help
`;

runCli("check-config", async () => {
  const { values } = parseCliArgs(process.argv.slice(2), {
    env: { type: "string" },
    context: { type: "string" },
    value: { type: "string" },
    "value-file": { type: "string" },
    key: { type: "string" },
    header: { type: "string", multiple: true },
    topic: { type: "string" },
    partition: { type: "string" },
    offset: { type: "string" },
    timestamp: { type: "string" },
    event: { type: "string" },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.env !== undefined && values.context !== undefined) {
    throw new UsageError("give --env or --context, not both");
  }
  if (values.value !== undefined && values["value-file"] !== undefined) {
    throw new UsageError("give --value or --value-file, not both");
  }

  let env: Record<string, string | undefined>;
  let topics: readonly string[] = [];
  let deploymentProblems: string[] = [];
  let source: string;
  let onlyLikelyNames = false;
  const contextUnknown: { name: string; suggestion: string | undefined }[] = [];
  if (values.env !== undefined) {
    const file = values.env;
    env = parseEnvFile(readInputFile(file, "env file"), file);
    source = file;
  } else if (values.context !== undefined) {
    const file = values.context;
    const fromContext = settingsFromContext(parseJsonWithComments(readInputFile(file, "context file"), file));
    env = fromContext.env;
    topics = fromContext.topics;
    deploymentProblems = fromContext.problems;
    contextUnknown.push(...fromContext.unknown);
    source = `${file} (CDK context)`;
  } else {
    env = process.env;
    source = "this process's environment";
    onlyLikelyNames = true;
  }

  const report = checkSettings(env, { topics, onlyLikelyNames });
  const lines = [
    `Settings from ${source}`,
    ...deploymentProblems.map((problem) => `error: ${problem} (CDK app)`),
    ...contextUnknown.map(
      ({ name, suggestion }) =>
        `error: context key ${name} is not an option of the CDK app${suggestion === undefined ? "" : ` (did you mean ${suggestion}?)`}`,
    ),
    formatReport(report),
  ];
  process.stdout.write(`${lines.filter((line) => line !== "").join("\n")}\n`);
  const failed =
    report.problems.length + report.unknown.length + deploymentProblems.length + contextUnknown.length;
  if (failed > 0)
    process.stdout.write(`\n${failed} problem(s): the function would not start with these settings.\n`);
  else process.stdout.write("\nOK: the function starts with these settings.\n");

  const sample =
    values.value !== undefined || values["value-file"] !== undefined || values.event !== undefined;
  if (!sample) return failed > 0 ? 1 : 0;
  if (report.config === undefined)
    throw new Error("cannot render the sample record: the settings are invalid");
  const config = report.config;
  const records =
    values.event !== undefined
      ? recordsOf(
          (() => {
            const file = values.event;
            try {
              return parseKafkaEvent(parseJsonWithComments(readInputFile(file, "event file"), file));
            } catch (error) {
              if (error instanceof UsageError) throw error;
              throw new UsageError(`${file}: ${(error as Error).message}`);
            }
          })(),
        )
      : [
          kafkaRecord({
            topic: values.topic ?? topics[0] ?? "orders",
            partition: integerOption("partition", values.partition, 0, 1_000_000) ?? 0,
            offset: integerOption("offset", values.offset, 0, Number.MAX_SAFE_INTEGER) ?? 0,
            timestamp: integerOption("timestamp", values.timestamp, 0, 8_640_000_000_000_000) ?? Date.now(),
            key: values.key ?? null,
            value:
              values["value-file"] !== undefined
                ? new Uint8Array(readInputBytes(values["value-file"], "value file"))
                : (values.value ?? null),
            headers: (values.header ?? []).map((header): [string, string] => {
              const equals = header.indexOf("=");
              if (equals <= 0) throw new UsageError(`--header must be NAME=VALUE, got "${header}"`);
              return [header.slice(0, equals), header.slice(equals + 1)];
            }),
          }),
        ];
  let poison = 0;
  for (const record of records) {
    const rendered = renderSample(config, record);
    process.stdout.write(`\n${record.topic}-${record.partition}@${record.offset}: `);
    if (rendered.kind === "poison") {
      poison++;
      process.stdout.write(
        `would be dead-lettered: ${rendered.code}: ${rendered.message.replace(/^\S+@\d+: /, "")}\n`,
      );
    } else {
      process.stdout.write(
        `PutEvents entry (${rendered.size} bytes, billed as ${rendered.billedEvents} event${rendered.billedEvents === 1 ? "" : "s"}):\n${printableEntry(rendered.entry)}\n`,
      );
    }
  }
  return failed > 0 || poison > 0 ? 1 : 0;
});
