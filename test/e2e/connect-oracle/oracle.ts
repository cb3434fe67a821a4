import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ensureMavenLibs } from "../../../tooling/test-bench/install";
import { TOOLS_DIR } from "../../../tooling/test-bench/paths";

/** The Kafka Connect release whose header typing the oracle runs: the test bench's broker release. */
const CONNECT_VERSION = "4.4.0";
/** aws/event-ruler, the open-source matching library of EventBridge. */
const EVENT_RULER_VERSION = "1.8.1";
const LIBS = join(TOOLS_DIR, "connect-oracle", CONNECT_VERSION, "libs");
const SOURCES = ["HeaderOracle.java", "RuleOracle.java"].map((file) => join(import.meta.dirname, file));

/** Puts connect-json, connect-api and event-ruler (and their dependencies) from Maven Central into `.tools/`. */
function ensureConnectJars(): string {
  return ensureMavenLibs(LIBS, `event-ruler-${EVENT_RULER_VERSION}.jar`, [
    `org.apache.kafka:connect-json:${CONNECT_VERSION}`,
    `org.apache.kafka:connect-api:${CONNECT_VERSION}`,
    `software.amazon.event.ruler:event-ruler:${EVENT_RULER_VERSION}`,
  ]);
}

/** What the connector puts in `detail.headers` for one header value: the item's JSON, or undefined where it fails the record. */
export type OracleAnswer = string | undefined;

/** Compiles the oracles once (javac from the JDK on the PATH) into `.tools/`. */
function ensureOracleClasses(libs: string): string {
  const classes = join(TOOLS_DIR, "connect-oracle", CONNECT_VERSION, "classes");
  if (existsSync(join(classes, "RuleOracle.class"))) return classes;
  const result = spawnSync("javac", ["--release", "17", "-cp", `${libs}/*`, "-d", classes, ...SOURCES], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) throw new Error("javac could not compile the header oracle");
  return classes;
}

/** The JVM that runs the oracle: `CONNECT_ORACLE_JAVA` (to try another JDK's number printing) or `java`. */
export const ORACLE_JAVA = process.env.CONNECT_ORACLE_JAVA ?? "java";

/** The major version of {@link ORACLE_JAVA}: JDK 19 changed how `Float`/`Double.toString` print. */
export function oracleJavaVersion(): number {
  const result = spawnSync(ORACLE_JAVA, ["-version"], { encoding: "utf8" });
  const match = /version "(\d+)/.exec(result.stderr);
  return match === null ? 0 : Number(match[1]);
}

/**
 * Runs the connector's header path on the real Kafka Connect jars for each value (one JVM for all),
 * in UTC as the Connect images run.
 */
export function connectorHeaderItems(values: readonly Buffer[]): OracleAnswer[] {
  const libs = ensureConnectJars();
  const classes = ensureOracleClasses(libs);
  const result = spawnSync(
    ORACLE_JAVA,
    ["-Duser.timezone=UTC", "-cp", `${classes}:${libs}/*`, "HeaderOracle"],
    {
      input: `${values.map((value) => value.toString("base64")).join("\n")}\n`,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (result.status !== 0) throw new Error(`the header oracle failed: ${result.stderr}`);
  const lines = result.stdout.split("\n").slice(0, values.length);
  return lines.map((line) => (line.startsWith("ok ") ? line.slice(3) : undefined));
}

/** Whether EventBridge's matching (aws/event-ruler) matches each event with its rule. */
export function ruleMatches(pairs: readonly { rule: object; event: object }[]): boolean[] {
  const libs = ensureConnectJars();
  const classes = ensureOracleClasses(libs);
  const result = spawnSync(ORACLE_JAVA, ["-cp", `${classes}:${libs}/*`, "RuleOracle"], {
    input: `${pairs.map(({ rule, event }) => `${JSON.stringify(rule)}\t${JSON.stringify(event)}`).join("\n")}\n`,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`the rule oracle failed: ${result.stderr}`);
  return result.stdout
    .split("\n")
    .slice(0, pairs.length)
    .map((line) => line === "true");
}
