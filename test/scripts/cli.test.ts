import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "cli-"));

/** Runs a script of scripts/ as the user would (through tsx), without AWS or Kafka settings. */
function run(script: string, args: readonly string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(AWS_|POWERTOOLS_|LOG_LEVEL|CONNECTOR_ID|EVENT_BUS_ARN|DLQ_URL)/.test(name),
    ),
  );
  const result = spawnSync("node_modules/.bin/tsx", [`scripts/${script}.ts`, ...args], {
    env: { ...clean, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const TOOLS = [
  "invoke-local",
  "migrate-connector",
  "check-config",
  "dlq-replay",
  "local-esm",
  "produce",
] as const;

describe("every command-line tool", () => {
  it.each(TOOLS)("%s: --help prints the usage and exits 0", (tool) => {
    const { code, stdout, stderr } = run(tool, ["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm (start|run [a-z-]+) --/);
    expect(stderr).toBe("");
  });

  it.each(TOOLS)("%s: an unknown option is one line naming it, exit code 2", (tool) => {
    const { code, stdout, stderr } = run(tool, ["--bogus"]);
    expect(code).toBe(2);
    expect(stderr).toBe(`${tool}: Unknown option '--bogus' (--help for usage)\n`);
    expect(stdout).toBe("");
  });

  it.each([
    ["invoke-local", ["missing.json"], "invoke-local: cannot read event file missing.json: no such file"],
    [
      "migrate-connector",
      ["missing.json"],
      "migrate-connector: cannot read connector configuration missing.json: no such file",
    ],
    [
      "check-config",
      ["--env", "missing.env"],
      "check-config: cannot read env file missing.env: no such file",
    ],
    [
      "dlq-replay",
      ["--queue-url", "http://127.0.0.1:1/123456789012/dlq", "--env", "missing.env"],
      "dlq-replay: cannot read env file missing.env: no such file",
    ],
    [
      "local-esm",
      ["--brokers", "localhost:9092", "--topics", "t", "--batch-size", "0"],
      'local-esm: --batch-size must be an integer from 1 to 10000, got "0"',
    ],
    [
      "produce",
      ["--brokers", "localhost", "--topic", "t"],
      'produce: --brokers must be host:port entries, got "localhost"',
    ],
    [
      "produce",
      ["--brokers", "localhost:9092", "--topic", "t", "--lines", "missing.txt"],
      "produce: cannot read lines file missing.txt: no such file",
    ],
  ])("%s %j: a bad input is one clear line, no stack, exit code 2", (tool, args, line) => {
    const { code, stderr } = run(tool, args);
    expect(stderr).toBe(`${line}\n`);
    expect(code).toBe(2);
  });

  it("invoke-local: a file that is not an ESM event is named with what was expected", () => {
    const file = join(dir, "not-an-event.json");
    writeFileSync(file, '{"eventSource":"aws:sqs","records":{}}');
    const { code, stderr } = run("invoke-local", [file]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `invoke-local: ${file}: Not a Kafka event source mapping batch: expected \`eventSource\` "aws:kafka" or "SelfManagedKafka", got "aws:sqs"\n`,
    );
  });

  it("invoke-local: the dry run prints the configuration it used, and LOG_LEVEL sets the handler's logs", () => {
    const warn = run("invoke-local", ["events/poison.json"], {
      LOG_LEVEL: "WARN",
      CONNECTOR_ID: "poison-test",
    });
    expect(warn.code).toBe(0);
    expect(warn.stdout).toMatch(
      /^Dry run of events\/poison\.json: no AWS call leaves this machine\.\n\nConfiguration:\n {2}CONNECTOR_ID +poison-test\n/,
    );
    expect(warn.stdout).toMatch(/ {2}LOG_LEVEL +WARN\n/);
    expect(warn.stdout).toMatch(/Dead-letter messages: 1/);
    expect(`${warn.stdout}${warn.stderr}`).toMatch(/"level":"WARN","message":"record dead-lettered"/);
    const error = run("invoke-local", ["events/poison.json"], { LOG_LEVEL: "ERROR" });
    expect(error.code).toBe(0);
    expect(`${error.stdout}${error.stderr}`).not.toMatch(/"level":/);
  });

  it("invoke-local: invalid settings are one line listing every problem", () => {
    const { code, stderr } = run("invoke-local", ["events/poison.json"], {
      MAX_CONCURRENCY: "0",
      RETRIES_MAX: "x",
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'invoke-local: the function\'s settings are invalid: MAX_CONCURRENCY="0" is invalid: expected an integer from 1 to 256; RETRIES_MAX="x" is invalid: expected an integer from 0 to 20 (npm run check-config for details)\n',
    );
  });

  it("check-config: reports every problem, a did-you-mean, exit code 1", () => {
    const file = join(dir, "bad.env");
    writeFileSync(
      file,
      "CONNECTOR_ID=c\nEVENT_BUS_ARN=arn:aws:events:us-east-1:123456789012:event-bus/b\nVALUE_FORMT=json\nRETRIES_MAX=99\n",
    );
    const { code, stdout } = run("check-config", ["--env", file]);
    expect(code).toBe(1);
    expect(stdout).toBe(
      [
        `Settings from ${file}`,
        'error: RETRIES_MAX="99" is invalid: expected an integer from 0 to 20',
        "error: VALUE_FORMT is not a setting of this function (did you mean VALUE_FORMAT?)",
        "",
        "2 problem(s): the function would not start with these settings.",
        "",
      ].join("\n"),
    );
  });

  it("migrate-connector: --output env prints the function's environment for the README's JSON example", () => {
    const { code, stdout, stderr } = run("migrate-connector", [
      "test/tooling/fixtures/connector/readme-json.json5",
      "--output",
      "env",
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      "CONNECTOR_ID=my-json-values-connector\nEVENT_BUS_ARN=arn:aws:events:us-east-1:1234567890:event-bus/kafkabus\n",
    );
    expect(stderr).toMatch(/^warning: EVENT_BUS_ARN=.* is invalid/);
  });
});
