import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ProxiedChain, proxiedChain } from "./chain";
import { runChain } from "./throughput";

const bootstrap = inject("kafkaBootstrap");
const moto = inject("motoEndpoint");

describe("throughput of the whole chain (Kafka → local ESM → handler → moto)", () => {
  const id = randomUUID().slice(0, 8);
  let chain: ProxiedChain;

  beforeAll(async () => {
    chain = await proxiedChain(moto, `tput-${id}`, { readmeRule: false });
  });
  afterAll(async () => chain.close());

  it("prints records/s without and with 20% of entries throttled", { timeout: 400_000 }, async () => {
    const figures: Record<string, unknown>[] = [];
    for (const [name, fraction] of [
      ["no faults", 0],
      ["20% of entries throttled", 0.2],
    ] as const) {
      chain.proxy.setMode(fraction > 0 ? { kind: "throttle-entries", fraction } : { kind: "none" });
      const result = await runChain({
        bootstrap,
        moto,
        bench: chain.bench,
        handler: chain.handler,
        records: 600,
        partitions: 4,
        batchSize: 100,
      });
      expect(result.missing).toEqual([]);
      figures.push({ name, ...result, missing: result.missing.length });
    }
    chain.proxy.setMode({ kind: "none" });
    for (const f of figures) console.log(`throughput: ${JSON.stringify(f)}`);
  });
});
