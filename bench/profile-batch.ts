// `npx tsx bench/profile-batch.ts [project|sdk-default|sdk-tuned]`: one 10,000-record batch with a CPU
// profile of the measured invocation (written to .bench/), its self time summed by package or project
// file. Runs the handler child from source (not the bundle) so that each function keeps its file, with
// the deployed NODE_OPTIONS and V8 flags.
// Run `npm run bench -- --quick` once first: it writes the events and the endpoint bundle to .bench/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { OUT_DIR } from "./bundle";
import { runHandlerChild, startEndpointProcess } from "./children";
import type { HandlerBatchSettings, PublisherVariant } from "./handler-batch";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a function lives: an npm package, a project file, Node.js itself, or V8's own work. */
function placeOf(frame: ProfileNode["callFrame"]): string {
  const packageName = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1];
  if (packageName !== undefined) return packageName;
  const project = /\/((?:lambda|bench|tooling)\/.+)$/.exec(frame.url)?.[1];
  if (project !== undefined) return project;
  if (frame.url.startsWith("node:")) return "node: internals";
  return frame.url === "" ? frame.functionName || "(native)" : frame.url;
}

const publisher = (process.argv[2] ?? "project") as PublisherVariant;
const profileFile = join(OUT_DIR, `batch-${publisher}.cpuprofile`);
const endpoint = await startEndpointProcess(join(OUT_DIR, "endpoint-process.mjs"), {
  delayMs: 20,
  throttle: { kind: "none" },
});
const settings: HandlerBatchSettings = {
  eventFile: join(OUT_DIR, "batch-event.json"),
  warmUpFile: join(OUT_DIR, "warm-up-event.json"),
  publisher,
  ...(process.argv.includes("--allocations")
    ? { sampleAllocations: true, heapProfileFile: join(OUT_DIR, `batch-${publisher}.heapprofile`) }
    : { cpuProfileFile: profileFile }),
};
const result = await runHandlerChild(join(import.meta.dirname, "handler-batch.ts"), settings, endpoint.url, {
  execArgv: ["--import", "tsx"],
});
endpoint.close();

if (settings.heapProfileFile !== undefined) {
  console.log(
    `${publisher}: ${((result.allocatedBytes ?? 0) / 2 ** 20).toFixed(1)} MiB allocated; profile in ${settings.heapProfileFile}`,
  );
  process.exit(0);
}
const profile = JSON.parse(readFileSync(profileFile, "utf8")) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<string, number>();
profile.samples.forEach((id, index) => {
  const node = byId.get(id);
  if (node === undefined || node.callFrame.functionName === "(idle)") return;
  const place = placeOf(node.callFrame);
  selfUs.set(place, (selfUs.get(place) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const busyUs = [...selfUs.values()].reduce((total, us) => total + us, 0);
console.log(
  `${publisher}: ${result.cpuMs.toFixed(0)} ms CPU (${result.systemCpuMs.toFixed(0)} ms in the kernel), ${result.wallMs.toFixed(0)} ms wall (profiled); profile in ${profileFile}`,
);
console.table(
  [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([place, us]) => ({
      place,
      "self ms": (us / 1000).toFixed(0),
      share: `${((100 * us) / busyUs).toFixed(1)} %`,
    })),
);
