import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, TOOLS_DIR } from "./paths";

/** The Apache Kafka release the bench runs (Scala 2.13 build, KRaft only since 4.0). */
export const KAFKA_VERSION = "4.4.0";
/** Routes Kafka's SLF4J 1.7 logging to the log4j2 that the broker already depends on. */
const LOG4J_SLF4J_VERSION = "2.25.5";

export const KAFKA_LIBS = join(TOOLS_DIR, "kafka", KAFKA_VERSION, "libs");
/**
 * The Apicurio Registry release the bench runs for a Confluent-compatible registry (ccompat API). The
 * 3.0 line is the last that runs on Java 17 (3.1 onwards is compiled for Java 21).
 */
export const APICURIO_VERSION = "3.0.9";
export const APICURIO_DIR = join(TOOLS_DIR, "apicurio", APICURIO_VERSION);
export const APICURIO_JAR = join(APICURIO_DIR, `apicurio-registry-app-${APICURIO_VERSION}-runner.jar`);
export const VENV_DIR = join(TOOLS_DIR, "venv");
export const MOTO_SERVER = join(VENV_DIR, "bin", "moto_server");

function run(command: string, args: string[], cwd = REPO_ROOT): void {
  const result = spawnSync(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
}

/** A Maven artifact, `groupId:artifactId:version`. */
export type MavenArtifact = `${string}:${string}:${string}`;

/**
 * Puts `artifacts` and their runtime dependencies (from Maven Central) in `libs`, through a throwaway pom
 * in `<libs>/../pom`. Maven's repository is `.tools/m2`, so nothing is cached outside the clone. Does
 * nothing when `marker` (a jar the download must bring) is there.
 */
export function ensureMavenLibs(libs: string, marker: string, artifacts: readonly MavenArtifact[]): string {
  const markerPath = join(libs, marker);
  if (existsSync(markerPath)) return libs;
  const pomDir = join(libs, "..", "pom");
  mkdirSync(pomDir, { recursive: true });
  const dependencies = artifacts.map((artifact) => {
    const [groupId, artifactId, version] = artifact.split(":");
    return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
  });
  writeFileSync(
    join(pomDir, "pom.xml"),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.test-bench</groupId><artifactId>libs</artifactId><version>1</version>
  <dependencies>
${dependencies.join("\n")}
  </dependencies>
</project>
`,
  );
  rmSync(libs, { recursive: true, force: true });
  run("mvn", [
    "-q",
    "-B",
    "-f",
    join(pomDir, "pom.xml"),
    `-Dmaven.repo.local=${join(TOOLS_DIR, "m2")}`,
    "dependency:copy-dependencies",
    "-DincludeScope=runtime",
    `-DoutputDirectory=${libs}`,
  ]);
  if (!existsSync(markerPath)) {
    throw new Error(`Maven finished but ${markerPath} is missing (found: ${readdirSync(libs).join(", ")})`);
  }
  return libs;
}

/** Puts the Kafka broker's jars (kafka_2.13 and its runtime dependencies) in `.tools/kafka/<version>/libs`. */
export function ensureKafka(): string {
  return ensureMavenLibs(KAFKA_LIBS, `kafka_2.13-${KAFKA_VERSION}.jar`, [
    `org.apache.kafka:kafka_2.13:${KAFKA_VERSION}`,
    `org.apache.logging.log4j:log4j-slf4j-impl:${LOG4J_SLF4J_VERSION}`,
  ]);
}

/** Installs moto's server mode from PyPI into `.tools/venv` (via scripts/ensure-venv.sh, idempotent). */
export function ensureMoto(): string {
  if (!existsSync(MOTO_SERVER)) run("bash", [join(REPO_ROOT, "scripts", "ensure-venv.sh"), "moto[server]"]);
  return MOTO_SERVER;
}

/**
 * Puts Apicurio Registry's Quarkus distribution (`io.apicurio:apicurio-registry-app:<version>:tar.gz:all`
 * from Maven Central: the runner jar and its lib/) in `.tools/apicurio/<version>`. Does nothing when the
 * runner jar is there.
 */
export function ensureApicurio(): string {
  if (existsSync(APICURIO_JAR)) return APICURIO_JAR;
  rmSync(APICURIO_DIR, { recursive: true, force: true });
  mkdirSync(APICURIO_DIR, { recursive: true });
  // Run from the install directory: without a pom, unpack writes its markers under ./${project.basedir}.
  run(
    "mvn",
    [
      "-q",
      "-B",
      `-Dmaven.repo.local=${join(TOOLS_DIR, "m2")}`,
      "dependency:unpack",
      `-Dartifact=io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`,
      `-DoutputDirectory=${APICURIO_DIR}`,
      "-Dmdep.overWriteReleases=true",
    ],
    APICURIO_DIR,
  );
  if (!existsSync(APICURIO_JAR)) {
    throw new Error(
      `Maven finished but ${APICURIO_JAR} is missing (found: ${readdirSync(APICURIO_DIR).join(", ")})`,
    );
  }
  return APICURIO_JAR;
}

/** Everything the bench needs; safe to call on every run. */
export function ensureTestBench(): void {
  ensureMoto();
  ensureKafka();
  ensureApicurio();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureTestBench();
  console.log(`moto: ${MOTO_SERVER}\nkafka: ${KAFKA_LIBS}\napicurio: ${APICURIO_JAR}`);
}
