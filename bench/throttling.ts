import { eventBridgeClient, eventBridgePublisher } from "../lambda/adapters/eventbridge-publisher";
import { loadConfig } from "../lambda/config";
import { AdaptiveLimit, ThrottleMemory } from "../lambda/core/adaptive-limit";
import { type EventEntry, mapRecord } from "../lambda/core/map-entry";
import { deliverEntries } from "../lambda/delivery/deliver-entries";
import { startEndpointProcess } from "./children";
import { BENCH_ENV } from "./conversion";
import type { Throttle } from "./endpoint-process";
import { HANDLER_VALUE_BYTES, jsonRecords } from "./payloads";

/**
 * `adaptive`: a warm container's batch, starting from what the container's earlier batches learnt
 * (`ThrottleMemory`, as the handler keeps it); `adaptive, first batch`: a container's first batch, which
 * learns it; `fixed`: the limit's cuts disabled.
 */
const POLICIES = ["adaptive", "adaptive, first batch", "fixed"] as const;
export type ThrottlingPolicy = (typeof POLICIES)[number];

export interface ThrottlingRun {
  readonly scenario: string;
  readonly policy: ThrottlingPolicy;
  readonly wallMs: number;
  readonly requests: number;
  readonly throttledEntries: number;
  readonly delivered: number;
  readonly failed: number;
  readonly maxInFlight: number;
  /** The mean wall time against the fixed policy's. */
  readonly ratioToFixed?: number;
  /** Each measured run's wall time, in run order. */
  readonly wallMsRuns?: readonly number[];
}

/** The mean of one policy's runs (counts rounded), its maximum in flight. */
function meanOf(runs: readonly ThrottlingRun[]): ThrottlingRun {
  const mean = (pick: (run: ThrottlingRun) => number) =>
    runs.reduce((total, run) => total + pick(run), 0) / runs.length;
  const first = runs[0] as ThrottlingRun;
  return {
    scenario: first.scenario,
    policy: first.policy,
    wallMs: mean((run) => run.wallMs),
    requests: Math.round(mean((run) => run.requests)),
    throttledEntries: Math.round(mean((run) => run.throttledEntries)),
    delivered: Math.round(mean((run) => run.delivered)),
    failed: Math.round(mean((run) => run.failed)),
    maxInFlight: Math.max(...runs.map((run) => run.maxInFlight)),
    wallMsRuns: runs.map((run) => Math.round(run.wallMs)),
  };
}

/**
 * Fixed concurrency for comparison: the same delivery code with the limit's cuts disabled, so only the
 * policy differs. Patches the prototype for the duration of `run` (this process only, no product option).
 */
async function withFixedLimit<T>(run: () => Promise<T>): Promise<T> {
  const original = AdaptiveLimit.prototype.onThrottled;
  AdaptiveLimit.prototype.onThrottled = () => undefined;
  try {
    return await run();
  } finally {
    AdaptiveLimit.prototype.onThrottled = original;
  }
}

/**
 * `deliverEntries` with the real EventBridge publisher against the endpoint in a child process that
 * answers after `delayMs` and throttles entries: adaptive concurrency next to fixed, same everything else,
 * each the mean of its runs, in ABCCBA order (twice in a full run).
 */
export async function benchThrottling(script: string, quick: boolean): Promise<ThrottlingRun[]> {
  const config = loadConfig({ ...BENCH_ENV, AWS_REGION: "us-east-1" });
  const count = quick ? 3_000 : 10_000;
  const entries = jsonRecords(count, HANDLER_VALUE_BYTES, 8).map(
    (record) => mapRecord(config, record) as EventEntry,
  );
  const scenarios: { name: string; throttle: Throttle }[] = [
    { name: "30% of entries throttled at random", throttle: { kind: "random", share: 0.3 } },
    // 16 requests of 10 entries per 20 ms offer about 8,000 entries/s: a 5,000/s quota throttles ~40%.
    {
      name: "quota 5,000 entries/s (token bucket)",
      throttle: { kind: "quota", entriesPerSecond: 5_000, burst: 500 },
    },
  ];
  const runs: ThrottlingRun[] = [];
  for (const scenario of scenarios) {
    const endpoint = await startEndpointProcess(script, { delayMs: 20, throttle: scenario.throttle });
    try {
      process.env.AWS_ACCESS_KEY_ID = "bench";
      process.env.AWS_SECRET_ACCESS_KEY = "bench";
      const client = eventBridgeClient({ ...config, eventBridgeEndpointUrl: endpoint.url });
      const publisher = eventBridgePublisher(client, config);
      const container = new ThrottleMemory();
      const options = { ...config, deadline: { remainingMs: () => 600_000 } };
      // Warm-up, a whole unmeasured run: open the connections, compile the code paths, size the heap
      // (the first full run was measurably slower than the next ones whatever its policy); the warm
      // container's memory learns the throttling here.
      await deliverEntries(entries, publisher, { ...options, throttleMemory: container });
      // ABCCBA: each policy once early and once late, so none gains from its place in the order.
      const order = [...POLICIES, ...[...POLICIES].reverse()];
      const measured: ThrottlingRun[] = [];
      for (const policy of quick ? order : [...order, ...order]) {
        await endpoint.reset();
        const start = performance.now();
        const throttleMemory = policy === "adaptive" ? container : new ThrottleMemory();
        const deliver = () => deliverEntries(entries, publisher, { ...options, throttleMemory });
        const report = await (policy === "fixed" ? withFixedLimit(deliver) : deliver());
        const wallMs = performance.now() - start;
        const stats = await endpoint.stats();
        const kinds = [...report.outcomes.values()].map((outcome) => outcome.kind);
        measured.push({
          scenario: scenario.name,
          policy,
          wallMs,
          requests: report.requests,
          throttledEntries: report.throttledEntries,
          delivered: kinds.filter((kind) => kind === "delivered").length,
          failed: kinds.filter((kind) => kind === "failed").length,
          maxInFlight: stats.maxInFlight,
        });
      }
      const means = POLICIES.map((policy) => meanOf(measured.filter((run) => run.policy === policy)));
      const fixedMs = means.find((run) => run.policy === "fixed")?.wallMs ?? Number.NaN;
      for (const run of means) runs.push({ ...run, ratioToFixed: run.wallMs / fixedMs });
      client.destroy();
    } finally {
      endpoint.close();
    }
  }
  return runs;
}
