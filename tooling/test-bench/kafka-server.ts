import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForPort } from "./free-port";
import { ensureKafka } from "./install";
import { exitOf, stopServer } from "./server-process";

export interface KafkaServer {
  /** `127.0.0.1:<port>` of the PLAINTEXT listener. */
  readonly bootstrap: string;
  readonly dataDir: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface KafkaServerOptions {
  /** JVM heap ceiling in MB (default 512: the bench shares a 2-core machine). */
  readonly heapMb?: number;
  /** Default partitions of auto-created topics (default 1). */
  readonly numPartitions?: number;
}

const LOG4J2 = `status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = \${sys:kafka.logs.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
`;

/**
 * Starts a single Apache Kafka 4.x node in KRaft combined mode (broker + controller) on free loopback
 * ports, with its data in a fresh temp dir. `stop()` ends the JVM and deletes the data.
 */
export async function startKafka(options: KafkaServerOptions = {}): Promise<KafkaServer> {
  const libs = ensureKafka();
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), "kafka-bench-"));
  const logFile = join(dataDir, "kafka.log");
  const properties = join(dataDir, "server.properties");
  writeFileSync(
    properties,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      "controller.listener.names=CONTROLLER",
      "inter.broker.listener.name=PLAINTEXT",
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      `log.dirs=${join(dataDir, "data")}`,
      `num.partitions=${options.numPartitions ?? 1}`,
      "offsets.topic.replication.factor=1",
      "offsets.topic.num.partitions=4",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "share.coordinator.state.topic.replication.factor=1",
      "share.coordinator.state.topic.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      "num.network.threads=2",
      "num.io.threads=2",
      "background.threads=2",
      "message.max.bytes=8388608",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dataDir, "log4j2.properties"), LOG4J2);
  const classpath = `${libs}/*`;
  const jvm = [
    `-Xmx${options.heapMb ?? 512}m`,
    "-Xms64m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${join(dataDir, "log4j2.properties")}`,
    `-Dkafka.logs.file=${logFile}`,
    "-cp",
    classpath,
  ];
  const format = spawnSync(
    "java",
    [...jvm, "kafka.tools.StorageTool", "format", "--standalone", "-t", randomUUID(), "-c", properties],
    { encoding: "utf8" },
  );
  if (format.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`kafka storage format failed: ${format.stderr || format.stdout}`);
  }
  const out = openSync(join(dataDir, "kafka.out"), "a");
  const child: ChildProcess = spawn("java", [...jvm, "kafka.Kafka", properties], {
    stdio: ["ignore", out, out],
    detached: false,
  });
  const exited = exitOf(child);
  try {
    await waitForPort("127.0.0.1", port, 60_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`Kafka did not start; see ${logFile}`, { cause: error });
  }
  return {
    bootstrap: `127.0.0.1:${port}`,
    dataDir,
    logFile,
    async stop() {
      await stopServer(child, exited, 15_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
