/**
 * Turns a Kafka Connect configuration of aws/eventbridge-kafka-connector into this function's settings.
 * Usage: npm run migrate-connector -- connector.json [--output text|env|context|json]
 * Documentation: docs/tools.md
 */
import { parseCliArgs, parseJsonWithComments, readInputFile, runCli, UsageError } from "../tooling/cli/cli";
import { checkSettings } from "../tooling/config-check/config-report";
import { migrateConnectorConfig } from "../tooling/migration/connector-config";
import {
  formatDeployCommand,
  formatEnvironment,
  formatMigration,
} from "../tooling/migration/format-migration";

const USAGE = `Usage: npm run migrate-connector -- <connector.json | -> [--output text|env|context|json]

Reads a Kafka Connect configuration of aws/eventbridge-kafka-connector (v1.6.1), the JSON POSTed to
Connect's REST API ({ "name", "config" } or the config object; // comments allowed), and prints the
equivalent settings of this function: the cdk deploy command and context, the function's environment,
what became of every property (and why a property has no equivalent), then checks the result with the
function's own configuration loader.

  --output text      everything, for a person (default)
  --output env       only NAME=value lines (an env file for npm start / local-esm / check-config)
  --output context   only the CDK context JSON
  --output json      { context, environment, notes, problems } as JSON
  -h, --help         this help
`;

const OUTPUTS = ["text", "env", "context", "json"] as const;

runCli("migrate-connector", async () => {
  const { values, positionals } = parseCliArgs(process.argv.slice(2), { output: { type: "string" } }, true);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const output = values.output ?? "text";
  if (!(OUTPUTS as readonly string[]).includes(output)) {
    throw new UsageError(`--output must be one of ${OUTPUTS.join(", ")}, got "${output}"`);
  }
  const [file, ...extra] = positionals;
  if (file === undefined)
    throw new UsageError("give the connector configuration file (or - for stdin); --help for usage");
  if (extra.length > 0) throw new UsageError(`one file at a time, got also ${extra.join(" ")}`);
  const text =
    file === "-"
      ? readInputFile("/dev/stdin", "standard input")
      : readInputFile(file, "connector configuration");
  let migration: ReturnType<typeof migrateConnectorConfig>;
  try {
    migration = migrateConnectorConfig(parseJsonWithComments(text, file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  const check = checkSettings(migration.environment);
  if (output === "env") process.stdout.write(`${formatEnvironment(migration.environment)}\n`);
  else if (output === "context") process.stdout.write(`${JSON.stringify(migration.context, null, 2)}\n`);
  else if (output === "json") {
    process.stdout.write(
      `${JSON.stringify({ ...migration, check: { problems: check.problems, warnings: check.warnings }, deploy: formatDeployCommand(migration.context) }, null, 2)}\n`,
    );
  } else process.stdout.write(`${formatMigration(migration, check)}\n`);
  if (output === "env" || output === "context") {
    for (const problem of [...migration.problems, ...check.problems])
      process.stderr.write(`warning: ${problem}\n`);
  }
  return 0;
});
