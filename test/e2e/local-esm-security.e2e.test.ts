import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KafkaEvent, KafkaRecord } from "../../lambda/core/kafka-event";
import type { LambdaHandler } from "../../tooling/local-esm/invocation";
import { type KafkaSecurity, kafkaConnectionOptions } from "../../tooling/local-esm/kafka-connection";
import { KafkaConnectionError, LocalEventSourceMapping } from "../../tooling/local-esm/local-esm";
import type { SecuredListeners } from "../../tooling/test-bench/kafka-security";
import { type KafkaServer, startKafka } from "../../tooling/test-bench/kafka-server";
import { committedOffsets, createTopics, waitFor } from "./kafka-fixtures";
import { runScript } from "./run-script";

/** The produce command's options for one way of connecting. */
function cliSecurity(security: KafkaSecurity): string[] {
  return [
    ...(security.tls?.caFile === undefined ? [] : ["--tls-ca", security.tls.caFile]),
    ...(security.tls?.insecure ? ["--tls-insecure"] : []),
    ...(security.sasl === undefined
      ? []
      : ["--sasl", security.sasl.mechanism, "--username", security.sasl.username ?? ""]),
  ];
}

// One broker with SASL_PLAINTEXT, SSL and SASL_SSL listeners, for this file only: the suite's shared
// broker stays PLAINTEXT, so the other files do not pay for the certificates.
let kafka: KafkaServer;
let secured: SecuredListeners;

beforeAll(async () => {
  kafka = await startKafka({ heapMb: 256, security: true });
  if (kafka.secured === undefined) throw new Error("the broker started without its secured listeners");
  secured = kafka.secured;
});
afterAll(() => kafka?.stop());

describe("local ESM and produce against a secured broker", () => {
  const cases = [
    { name: "SASL/PLAIN over SASL_PLAINTEXT", listener: "saslPlaintext", mechanism: "plain", tls: "none" },
    {
      name: "SASL/SCRAM-SHA-256 over SASL_PLAINTEXT",
      listener: "saslPlaintext",
      mechanism: "scram-256",
      tls: "none",
    },
    {
      name: "SASL/SCRAM-SHA-512 over SASL_PLAINTEXT",
      listener: "saslPlaintext",
      mechanism: "scram-512",
      tls: "none",
    },
    { name: "TLS with the cluster's CA", listener: "ssl", mechanism: undefined, tls: "ca" },
    {
      name: "TLS without verification (--tls-insecure)",
      listener: "ssl",
      mechanism: undefined,
      tls: "insecure",
    },
    {
      name: "SASL/SCRAM-SHA-512 over TLS (SASL_SSL)",
      listener: "saslSsl",
      mechanism: "scram-512",
      tls: "ca",
    },
  ] as const;

  it.each(cases)(
    "$name: produce writes, the mapping invokes the handler with every record and commits",
    async ({ listener, mechanism, tls }) => {
      const broker = secured[listener];
      const security: KafkaSecurity = {
        ...(tls === "ca" ? { tls: { caFile: secured.caFile } } : {}),
        ...(tls === "insecure" ? { tls: { insecure: true } } : {}),
        ...(mechanism === undefined ? {} : { sasl: { mechanism, ...secured.user } }),
      };
      const topic = `secured-${listener}-${mechanism ?? "tls"}-${randomUUID().slice(0, 8)}`;
      await createTopics(kafka.bootstrap, [topic], 1);
      const producer = runScript(
        "scripts/produce.ts",
        [
          "--brokers",
          broker,
          "--topic",
          topic,
          "--count",
          "3",
          "--value",
          '{"n":{n}}',
          ...cliSecurity(security),
        ],
        { KAFKA_PASSWORD: secured.user.password },
      );
      expect(await producer.exited, producer.output.stderr).toBe(0);
      expect(producer.output.stdout).toBe(`produced 3 record(s) to ${topic} (partition 0 offset 0)\n`);

      const records: KafkaRecord[] = [];
      const bootstrapServers = new Set<string | undefined>();
      const handler: LambdaHandler = async (event: KafkaEvent, _context: Context) => {
        bootstrapServers.add(event.bootstrapServers);
        records.push(...Object.values(event.records).flat());
        return { batchItemFailures: [] };
      };
      const groupId = randomUUID();
      const esm = new LocalEventSourceMapping({
        brokers: [broker],
        topics: [topic],
        handler,
        groupId,
        reportBatchItemFailures: true,
        batchingWindowMs: 100,
        connection: kafkaConnectionOptions(security),
        log: () => {},
      });
      await esm.start();
      // Offsets are read back through the PLAINTEXT listener of the same broker.
      const committed = await waitFor(async () => {
        const offsets = await committedOffsets(kafka.bootstrap, groupId, [{ topic, partitions: 1 }]);
        return offsets.get(`${topic}-0`) === 3n;
      }, 60_000);
      await esm.stop();
      expect(committed, "the mapping committed offset 3").toBe(true);
      expect(records.map((r) => Buffer.from(r.value ?? "", "base64").toString())).toEqual([
        '{"n":0}',
        '{"n":1}',
        '{"n":2}',
      ]);
      expect([...bootstrapServers]).toEqual([broker]);
    },
  );

  it("the local-esm command connects with SCRAM-SHA-256 over TLS given --tls-ca, and says so in its settings", async () => {
    const topic = `secured-cli-${randomUUID().slice(0, 8)}`;
    await createTopics(kafka.bootstrap, [topic], 1);
    const security = ["--tls-ca", secured.caFile, "--sasl", "scram-256", "--username", secured.user.username];
    const env = { KAFKA_PASSWORD: secured.user.password };
    const producer = runScript(
      "scripts/produce.ts",
      ["--brokers", secured.saslSsl, "--topic", topic, "--count", "2", ...security],
      env,
    );
    expect(await producer.exited, producer.output.stderr).toBe(0);
    const run = runScript(
      "scripts/local-esm.ts",
      [
        ...["--dry-run", "--quiet", "--brokers", secured.saslSsl, "--topics", topic],
        ...["--starting-position", "TRIM_HORIZON", "--group-id", randomUUID(), "--batching-window-ms", "100"],
        ...security,
      ],
      { ...env, CONNECTOR_ID: "secured" },
    );
    const progressed = await waitFor(() => /committed \S+-0@2/.test(run.output.stderr), 60_000);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    expect(progressed, run.output.stderr).toBe(true);
    expect(run.output.stderr).toMatch(/Mapping: brokers 127\.0\.0\.1:\d+, .*, SASL SCRAM-SHA-256, TLS\n/);
    expect(run.output.stderr).toMatch(
      new RegExp(
        `#1 ${topic}-0: 2 records -> 2 delivered, 0 dead-lettered, 0 failed; committed ${topic}-0@2`,
      ),
    );
  });

  it("a wrong password stops local-esm and produce with one line naming the broker and the broker's reason", async () => {
    const env = { KAFKA_PASSWORD: "not-the-password" };
    const user = ["--username", secured.user.username];
    const esm = runScript(
      "scripts/local-esm.ts",
      ["--dry-run", "--brokers", secured.saslPlaintext, "--topics", "t", "--sasl", "scram-512", ...user],
      env,
    );
    const produce = runScript(
      "scripts/produce.ts",
      ["--brokers", secured.saslPlaintext, "--topic", "t", "--sasl", "plain", ...user],
      env,
    );
    expect(await esm.exited).toBe(1);
    expect(await produce.exited).toBe(1);
    expect(esm.output.stderr.trim().split("\n").at(-1)).toBe(
      `local-esm: cannot reach Kafka through ${secured.saslPlaintext}: SASL authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512`,
    );
    expect(produce.output.stderr).toBe(
      `produce: cannot produce to t through ${secured.saslPlaintext}: SASL authentication failed: Authentication failed: Invalid username or password\n`,
    );
    expect(esm.output.stderr).not.toMatch(/\n\s+at /);
  });

  it("a client without SASL on a SASL listener is told the broker closed the connection and what may be missing", async () => {
    const produce = runScript("scripts/produce.ts", [
      ...["--brokers", secured.saslSsl, "--topic", "t", "--tls-ca", secured.caFile],
    ]);
    expect(await produce.exited).toBe(1);
    expect(produce.output.stderr).toBe(
      `produce: cannot produce to t through ${secured.saslSsl}: Connection closed; the broker closed the connection: does its listener need SASL?\n`,
    );
  });

  it("a certificate the client does not trust is reported with the broker and the TLS cause", async () => {
    const esm = new LocalEventSourceMapping({
      brokers: [secured.ssl],
      topics: ["t"],
      handler: async () => undefined,
      connection: kafkaConnectionOptions({ tls: {} }),
      log: () => {},
    });
    const error = await esm.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    await esm.stop().catch(() => {});
    expect(error).toBeInstanceOf(KafkaConnectionError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^cannot reach Kafka through ${secured.ssl}: .*(self[- ]signed|unable to get local issuer)`,
        "i",
      ),
    );
  });
});
