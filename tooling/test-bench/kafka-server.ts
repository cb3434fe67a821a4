import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForPort } from "./free-port";
import { ensureKafka } from "./install";
import {
  makeTestCertificates,
  type SecuredListeners,
  scramFormatArgs,
  securedListenerProperties,
  TEST_SASL_USER,
} from "./kafka-security";
import { exitOf, stopServer } from "./server-process";

export interface KafkaServer {
  /** `127.0.0.1:<port>` of the PLAINTEXT listener. */
  readonly bootstrap: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** The SASL and TLS listeners, when started with `security: true`. */
  readonly secured?: SecuredListeners;
  stop(): Promise<void>;
}

export interface KafkaServerOptions {
  /** JVM heap ceiling in MB (default 512: the bench shares a 2-core machine). */
  readonly heapMb?: number;
  /** Default partitions of auto-created topics (default 1). */
  readonly numPartitions?: number;
  /**
   * Also listen with SASL_PLAINTEXT, SSL and SASL_SSL (PLAIN and SCRAM-SHA-256/512 for
   * {@link TEST_SASL_USER}, a CA made in the temp dir): costs a few openssl runs at start, so only the
   * tests of secured connections ask for it.
   */
  readonly security?: boolean;
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
  const securedPorts = options.security
    ? { saslPlaintext: await freePort(), ssl: await freePort(), saslSsl: await freePort() }
    : undefined;
  let tls: ReturnType<typeof makeTestCertificates> | undefined;
  try {
    if (securedPorts) tls = makeTestCertificates(dataDir);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const listeners = [
    `PLAINTEXT://127.0.0.1:${port}`,
    ...(securedPorts
      ? [
          `SASL_PLAINTEXT://127.0.0.1:${securedPorts.saslPlaintext}`,
          `SSL://127.0.0.1:${securedPorts.ssl}`,
          `SASL_SSL://127.0.0.1:${securedPorts.saslSsl}`,
        ]
      : []),
  ];
  const protocols = securedPorts ? ",SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL" : "";
  const logFile = join(dataDir, "kafka.log");
  const properties = join(dataDir, "server.properties");
  writeFileSync(
    properties,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
      `listeners=${listeners.join(",")},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=${listeners.join(",")}`,
      "controller.listener.names=CONTROLLER",
      "inter.broker.listener.name=PLAINTEXT",
      `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${protocols}`,
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
      ...(tls ? securedListenerProperties(tls) : []),
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
    [
      ...jvm,
      "kafka.tools.StorageTool",
      "format",
      "--standalone",
      "-t",
      randomUUID(),
      "-c",
      properties,
      ...(securedPorts ? scramFormatArgs() : []),
    ],
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
    for (const p of [port, ...Object.values(securedPorts ?? {})]) await waitForPort("127.0.0.1", p, 60_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`Kafka did not start; see ${logFile}`, { cause: error });
  }
  return {
    bootstrap: `127.0.0.1:${port}`,
    dataDir,
    logFile,
    ...(securedPorts && tls
      ? {
          secured: {
            saslPlaintext: `127.0.0.1:${securedPorts.saslPlaintext}`,
            ssl: `127.0.0.1:${securedPorts.ssl}`,
            saslSsl: `127.0.0.1:${securedPorts.saslSsl}`,
            caFile: tls.caFile,
            user: TEST_SASL_USER,
          },
        }
      : {}),
    async stop() {
      await stopServer(child, exited, 15_000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
