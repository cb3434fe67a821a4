/**
 * Records/s through the whole chain (Kafka → local ESM → handler → moto → SQS) without and with
 * throttled PutEvents entries. Starts its own bench. Usage:
 *   npx tsx test/e2e/measure-throughput.ts [records=2000] [partitions=4] [batchSize=100]
 */
import { randomUUID } from "node:crypto";
import type { LambdaHandler } from "../../tooling/local-esm/invocation";
import { startKafka } from "../../tooling/test-bench/kafka-server";
import { startMoto } from "../../tooling/test-bench/moto-server";
import { createBench } from "./aws-fixtures";
import { handlerEnv } from "./chain";
import { startFaultProxy } from "./fault-proxy";
import { runChain } from "./throughput";

const [records = 2000, partitions = 4, batchSize = 100] = process.argv.slice(2).map(Number);
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_REGION: "us-east-1",
  POWERTOOLS_METRICS_DISABLED: "true",
  POWERTOOLS_LOG_LEVEL: "SILENT",
});
const [kafka, moto] = await Promise.all([startKafka(), startMoto()]);
try {
  const id = `measure-${randomUUID().slice(0, 8)}`;
  const bench = await createBench(moto.endpoint, id, id, { readmeRule: false });
  const proxy = await startFaultProxy(moto.endpoint);
  Object.assign(process.env, handlerEnv(bench, id, proxy.url, moto.endpoint, { RETRY_DELAY_MS: "50" }));
  const { handler } = (await import("../../lambda/handler")) as unknown as { handler: LambdaHandler };
  for (const [name, fraction] of [
    ["no faults", 0],
    ["20% of entries throttled", 0.2],
  ] as const) {
    proxy.setMode(fraction > 0 ? { kind: "throttle-entries", fraction } : { kind: "none" });
    const r = await runChain({
      bootstrap: kafka.bootstrap,
      moto: moto.endpoint,
      bench,
      handler,
      records,
      partitions,
      batchSize,
    });
    console.log(
      `${name}: ${r.records} records in ${r.seconds.toFixed(1)} s = ${r.recordsPerSecond} records/s ` +
        `(${r.invocations} invocations, ${r.delivered} delivered, ${r.duplicates} duplicates, ${r.missing.length} missing, committed: ${r.committed})`,
    );
  }
  await proxy.close();
  bench.sqs.destroy();
} finally {
  await Promise.allSettled([kafka.stop(), moto.stop()]);
}
