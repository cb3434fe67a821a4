// A child process running the local PutEvents endpoint, so that serving requests does not share the
// event loop (or the CPU profile) of the function being measured. Configured by one JSON argument,
// driven over IPC: "stats" answers the counters, "reset" clears them.
import { randomUUID } from "node:crypto";
import { type EntryReply, startLocalAwsEndpoint } from "../tooling/local-aws/local-aws-endpoint";
import { seededRandom } from "../tooling/seeded-random";

export type Throttle =
  | { readonly kind: "none" }
  /** Each entry is answered ThrottlingException with this probability, whatever the load. */
  | { readonly kind: "random"; readonly share: number }
  /** A token bucket of entries per second, like an account's PutEvents quota. */
  | { readonly kind: "quota"; readonly entriesPerSecond: number; readonly burst: number };

export interface EndpointSettings {
  readonly delayMs: number;
  readonly throttle: Throttle;
}

export interface EndpointStats {
  calls: number;
  entries: number;
  accepted: number;
  throttled: number;
  maxInFlight: number;
}

const settings = JSON.parse(process.argv[2] ?? "{}") as EndpointSettings;
// Reseeded on "reset": every measured run meets the same sequence of throttled entries.
let random = seededRandom(42);
const fresh = (): EndpointStats => ({ calls: 0, entries: 0, accepted: 0, throttled: 0, maxInFlight: 0 });
let stats = fresh();
let inFlight = 0;
let tokens = settings.throttle.kind === "quota" ? settings.throttle.burst : 0;
let refilledAt = performance.now();

function admit(): boolean {
  const throttle = settings.throttle;
  if (throttle.kind === "none") return true;
  if (throttle.kind === "random") return random() >= throttle.share;
  const now = performance.now();
  tokens = Math.min(throttle.burst, tokens + ((now - refilledAt) / 1000) * throttle.entriesPerSecond);
  refilledAt = now;
  if (tokens < 1) return false;
  tokens -= 1;
  return true;
}

const endpoint = await startLocalAwsEndpoint({
  async putEvents(entries) {
    stats.calls += 1;
    stats.entries += entries.length;
    inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, settings.delayMs));
    inFlight -= 1;
    const results = entries.map((): EntryReply => {
      if (admit()) {
        stats.accepted += 1;
        return { EventId: randomUUID() };
      }
      stats.throttled += 1;
      return { ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" };
    });
    endpoint.putEvents.length = 0;
    return { results };
  },
});

process.on("message", (message: { type: string }) => {
  if (message.type === "stats") process.send?.({ type: "stats", stats });
  if (message.type === "reset") {
    stats = fresh();
    random = seededRandom(42);
    tokens = settings.throttle.kind === "quota" ? settings.throttle.burst : 0;
    refilledAt = performance.now();
    process.send?.({ type: "reset" });
  }
});
process.on("disconnect", () => void endpoint.close().then(() => process.exit(0)));
process.send?.({ type: "ready", url: endpoint.url });
