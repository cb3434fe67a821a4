import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ProxiedChain, proxiedChain } from "./chain";
import type { FaultMode } from "./fault-proxy";
import { runChain } from "./throughput";

const bootstrap = inject("kafkaBootstrap");
const moto = inject("motoEndpoint");

const MODES: readonly { name: string; mode: FaultMode }[] = [
  { name: "30% of entries throttled", mode: { kind: "throttle-entries", fraction: 0.3 } },
  { name: "HTTP 503 on 30% of requests", mode: { kind: "http-error", status: 503, fraction: 0.3 } },
  { name: "HTTP 500 on 30% of requests", mode: { kind: "http-error", status: 500, fraction: 0.3 } },
  { name: "300 ms added latency", mode: { kind: "latency", ms: 300 } },
  { name: "20% of connections dropped", mode: { kind: "drop", fraction: 0.2 } },
  { name: "every entry throttled (retries exhausted)", mode: { kind: "throttle-entries", fraction: 1 } },
];

describe("under faults between the handler and EventBridge, every record ends somewhere", () => {
  const id = randomUUID().slice(0, 8);
  let chain: ProxiedChain;

  beforeAll(async () => {
    chain = await proxiedChain(moto, `faults-${id}`);
  });
  afterAll(async () => chain.close());

  for (const { name, mode } of MODES) {
    it(`${name}: none missing`, async () => {
      chain.proxy.setMode(mode);
      const before = { ...chain.proxy.counters };
      const result = await runChain({
        bootstrap,
        moto,
        bench: chain.bench,
        handler: chain.handler,
        records: 150,
        partitions: 3,
        poisonEvery: 25,
      });
      chain.proxy.setMode({ kind: "none" });
      const injected = {
        putEventsRequests: chain.proxy.counters.putEventsRequests - before.putEventsRequests,
        throttledEntries: chain.proxy.counters.throttledEntries - before.throttledEntries,
        httpErrors: chain.proxy.counters.httpErrors - before.httpErrors,
        dropped: chain.proxy.counters.dropped - before.dropped,
      };
      console.log(`${name}: ${JSON.stringify({ ...result, missing: result.missing.length, injected })}`);
      expect(result.committed).toBe(true);
      expect(result.missing).toEqual([]);
      expect(result.deadLettered).toBe(6);
      if (mode.kind === "http-error") expect(injected.httpErrors).toBeGreaterThan(0);
      if (mode.kind === "drop") expect(injected.dropped).toBeGreaterThan(0);
      if (mode.kind === "throttle-entries") expect(injected.throttledEntries).toBeGreaterThan(0);
      // The SQS on-failure record names offset ranges, which may span dead-lettered records too.
      if (mode.kind === "throttle-entries" && mode.fraction === 1)
        expect(result.toOnFailure).toBeGreaterThanOrEqual(144);
    });
  }
});
