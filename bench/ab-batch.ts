// Side-by-side runs of the 10,000-record batch for a change under way (how docs/performance.md's
// "What changed" figures of issue 14 were measured). Run `npm run bench -- --quick` once first (it
// writes the events and the endpoint to .bench/), then:
//   npx tsx bench/ab-batch.ts bundle /tmp/before.mjs        # the handler child of the tree as it is
//   (make the change)
//   npx tsx bench/ab-batch.ts bundle /tmp/after.mjs
//   npx tsx bench/ab-batch.ts run 5 'ref=/tmp/after.mjs||sdk-default' before=/tmp/before.mjs after=/tmp/after.mjs
// A variant is `name=bundle[|NODE_OPTIONS[|publisher[|full warm-ups[|V8 flags]]]]`: by default the
// deployed NODE_OPTIONS and V8 flags (an empty fifth field: none), this function's publisher and no
// full batch before the measured one. Runs alternate in ABBA order, each a fresh process; CPU, wall time
// and peak RSS are medians, the KB allocated per PutEvents comes from one more sampled run of each, and
// each CPU figure is also given as a ratio to the first variant's.
import { loadavg } from "node:os";
import { join } from "node:path";
import { bundle, OUT_DIR } from "./bundle";
import { DEPLOYED_NODE_OPTIONS, DEPLOYED_V8_FLAGS, runHandlerChild, startEndpointProcess } from "./children";
import type { HandlerBatchResult, HandlerBatchSettings, PublisherVariant } from "./handler-batch";
import { median } from "./stats";

interface Variant {
  readonly name: string;
  readonly file: string;
  readonly nodeOptions: string;
  readonly publisher: PublisherVariant;
  readonly fullWarmUps: number;
  /** V8 flags on the command line. */
  readonly v8Flags: readonly string[];
}

function variantOf(argument: string): Variant {
  const at = argument.indexOf("=");
  if (at < 1)
    throw new Error(
      `expected name=bundle[|NODE_OPTIONS[|publisher[|full warm-ups[|V8 flags]]]], got ${argument}`,
    );
  const [file = "", nodeOptions, publisher, fullWarmUps, v8Flags] = argument.slice(at + 1).split("|");
  return {
    name: argument.slice(0, at),
    file,
    nodeOptions: nodeOptions || DEPLOYED_NODE_OPTIONS,
    publisher: (publisher || "project") as PublisherVariant,
    fullWarmUps: Number(fullWarmUps || 0),
    v8Flags: v8Flags === undefined ? DEPLOYED_V8_FLAGS : v8Flags.split(" ").filter(Boolean),
  };
}

async function runAll(runs: number, variants: readonly Variant[]): Promise<void> {
  const endpoint = await startEndpointProcess(join(OUT_DIR, "endpoint-process.mjs"), {
    delayMs: 20,
    throttle: { kind: "none" },
  });
  const once = async (variant: Variant, sampleAllocations: boolean) => {
    const settings: HandlerBatchSettings = {
      eventFile: join(OUT_DIR, "batch-event.json"),
      warmUpFile: join(OUT_DIR, "warm-up-event.json"),
      publisher: variant.publisher,
      fullWarmUps: variant.fullWarmUps,
      ...(sampleAllocations ? { sampleAllocations: true } : {}),
    };
    const result = await runHandlerChild(variant.file, settings, endpoint.url, variant);
    const { calls } = await endpoint.stats();
    await endpoint.reset();
    return { result, calls };
  };
  const loadBefore = loadavg()[0] ?? 0;
  const results = new Map<string, HandlerBatchResult[]>(variants.map((variant) => [variant.name, []]));
  for (let run = 0; run < runs; run += 1) {
    for (const variant of run % 2 === 0 ? variants : [...variants].reverse()) {
      results.get(variant.name)?.push((await once(variant, false)).result);
    }
  }
  const allocatedKB = new Map<string, number>();
  for (const variant of variants) {
    const { result, calls } = await once(variant, true);
    allocatedKB.set(variant.name, (result.allocatedBytes ?? Number.NaN) / calls / 1024);
  }
  endpoint.close();
  const cpuOf = (name: string) => median((results.get(name) ?? []).map((result) => result.cpuMs));
  const first = cpuOf(variants[0]?.name ?? "");
  console.log(`${runs} runs each, load ${loadBefore.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)}`);
  console.table(
    variants.map(({ name }) => {
      const runsOf = results.get(name) ?? [];
      return {
        variant: name,
        "CPU ms": cpuOf(name).toFixed(0),
        runs: runsOf.map((result) => result.cpuMs.toFixed(0)).join(", "),
        [`× ${variants[0]?.name}`]: (cpuOf(name) / first).toFixed(3),
        "wall ms": median(runsOf.map((result) => result.wallMs)).toFixed(0),
        "peak RSS MB": median(runsOf.map((result) => result.maxRssMB)).toFixed(0),
        "KB allocated/PutEvents": allocatedKB.get(name)?.toFixed(0),
      };
    }),
  );
}

const [command, ...rest] = process.argv.slice(2);
if (command === "bundle" && rest[0] !== undefined) {
  await bundle("bench/handler-batch.ts", rest[0], { minify: false });
} else if (command === "run" && rest.length >= 2) {
  await runAll(Number(rest[0]), rest.slice(1).map(variantOf));
} else {
  console.error(
    "usage: ab-batch.ts bundle <file> | run <runs> name=bundle[|NODE_OPTIONS[|publisher[|full warm-ups[|V8 flags]]]]...",
  );
  process.exit(1);
}
