import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { LambdaHandler } from "../../scripts/local-esm/invocation";
import { type Bench, createBench } from "./aws-fixtures";
import { handlerEnv } from "./chain";
import { type FaultProxy, startFaultProxy } from "./fault-proxy";
import { loadHandler } from "./load-handler";
import { runChain } from "./throughput";

const bootstrap = inject("kafkaBootstrap");
const moto = inject("motoEndpoint");

describe("throughput of the whole chain (Kafka → local ESM → handler → moto)", () => {
  const id = randomUUID().slice(0, 8);
  let bench: Bench;
  let proxy: FaultProxy;
  let handler: LambdaHandler;

  beforeAll(async () => {
    bench = await createBench(moto, `tput-${id}`, `tput-${id}`, { readmeRule: false });
    proxy = await startFaultProxy(moto);
    handler = await loadHandler(handlerEnv(bench, `tput-${id}`, proxy.url, moto, { RETRY_DELAY_MS: "50" }));
  });
  afterAll(async () => {
    await proxy.close();
    bench.sqs.destroy();
  });

  it("prints records/s without and with 20% of entries throttled", { timeout: 400_000 }, async () => {
    const figures: Record<string, unknown>[] = [];
    for (const [name, fraction] of [
      ["no faults", 0],
      ["20% of entries throttled", 0.2],
    ] as const) {
      proxy.setMode(fraction > 0 ? { kind: "throttle-entries", fraction } : { kind: "none" });
      const result = await runChain({
        bootstrap,
        moto,
        bench,
        handler,
        records: 600,
        partitions: 4,
        batchSize: 100,
      });
      expect(result.missing).toEqual([]);
      figures.push({ name, ...result, missing: result.missing.length });
    }
    proxy.setMode({ kind: "none" });
    for (const f of figures) console.log(`throughput: ${JSON.stringify(f)}`);
  });
});
