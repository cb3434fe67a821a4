import type { ConfigReport } from "../config-check/config-report";
import type { Migration } from "./connector-config";

/** Quotes a value for a POSIX shell when it holds anything but safe characters. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `NAME=value` lines, quoted for a shell or an env file. */
export function formatEnvironment(environment: Readonly<Record<string, string>>): string {
  return Object.entries(environment)
    .map(([name, value]) => `${name}=${shellQuote(value)}`)
    .join("\n");
}

/** The `cdk deploy` command line with one `-c` per context value. */
export function formatDeployCommand(context: Readonly<Record<string, string>>): string {
  const flags = Object.entries(context).map(([key, value]) => `-c ${key}=${shellQuote(value)}`);
  return ["npx cdk deploy", ...flags].join(" \\\n    ");
}

/** The human-readable migration report: deploy command, context, environment, every property, check. */
export function formatMigration(migration: Migration, check: ConfigReport): string {
  const width = Math.min(48, Math.max(...migration.notes.map((note) => note.property.length), 8));
  const lines = [
    `# Connector ${migration.name === undefined ? "configuration" : `"${migration.name}"`} as kafka-eventbridge-lambda settings`,
    "",
    "## Deploy (add the cluster: -c mskClusterArn=<MSK cluster ARN>, or -c bootstrapServers=<host:port,...> with -c authSecretArn=...)",
    "",
    formatDeployCommand(migration.context),
    "",
    '## CDK context (the same, for the "context" of cdk.json)',
    "",
    JSON.stringify(migration.context, null, 2),
    "",
    "## Function environment (npm start, npm run local-esm, sam local invoke; the CDK app sets DLQ_URL and PARTIAL_BATCH_RESPONSE)",
    "",
    formatEnvironment(migration.environment),
    "",
    "## Every property",
    "",
    ...migration.notes.map(({ property, mappedTo, note }) => {
      const target = mappedTo === undefined ? "no equivalent" : `-> ${mappedTo}`;
      return `${property.padEnd(width)}  ${target}${note === "" ? "" : `: ${note}`}`;
    }),
    "",
    "## Check with the function's own loader",
    "",
  ];
  const findings = [
    ...migration.problems.map((problem) => `problem: ${problem}`),
    ...check.problems.map((problem) => `the function would reject: ${problem}`),
    ...check.warnings.map((warning) => `warning: ${warning}`),
  ];
  lines.push(
    ...(findings.length === 0
      ? ["OK: the function accepts these settings, and nothing was found that would change the events."]
      : findings),
  );
  return lines.join("\n");
}
