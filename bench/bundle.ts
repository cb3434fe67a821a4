import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { bundleEntry, functionBundle, PROJECT_ROOT } from "../infra/function-runtime";
import { BENCH_ENV } from "./conversion";
import { median } from "./stats";

export const OUT_DIR = join(PROJECT_ROOT, ".bench");

/**
 * The options the CDK app bundles the function with (infra/function-runtime.ts) but as one file, the way it
 * was bundled before code splitting: the bench's child processes, and the reference for the split bundle.
 */
function singleFile(outfile: string): BuildOptions {
  return {
    ...functionBundle(PROJECT_ROOT, OUT_DIR),
    outdir: undefined,
    outExtension: undefined,
    splitting: false,
    sourcemap: false,
    outfile,
  };
}

/** Bundles `entry` (relative to the project root) into the one file `outfile`. */
export async function bundle(entry: string, outfile: string, options: BuildOptions = {}): Promise<string> {
  await build({ ...singleFile(outfile), entryPoints: [join(PROJECT_ROOT, entry)], ...options });
  return outfile;
}

/** A split bundle in its out directory: the entry, what it imports statically, and the rest. */
export interface SplitSizes {
  /** `index.mjs` alone. */
  readonly entryBytes: number;
  /** The entry and the chunks it imports statically: what a JSON-only function reads at cold start. */
  readonly coldStartBytes: number;
  /** Every `.mjs` file, source maps left out: what the deployment package holds. */
  readonly totalBytes: number;
  /** Files besides the entry; `coldStartChunks` of them load with it, the others on first use. */
  readonly chunks: number;
  readonly coldStartChunks: number;
}

/** Bundles `entry` with code splitting into `outdir` (emptied first) as the CDK app bundles the function. */
export async function splitBundle(
  entry: string,
  outdir: string,
  options: BuildOptions = {},
): Promise<{ entryFile: string; sizes: SplitSizes }> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    ...functionBundle(PROJECT_ROOT, outdir),
    entryPoints: { index: entry },
    metafile: true,
    ...options,
  });
  if (result.metafile === undefined) throw new Error("esbuild returned no metafile");
  return { entryFile: bundleEntry(outdir), sizes: splitSizes(result.metafile, outdir) };
}

function splitSizes(meta: Metafile, outdir: string): SplitSizes {
  const code = Object.entries(meta.outputs).filter(([path]) => path.endsWith(".mjs"));
  const entry = code.find(([path]) => join(PROJECT_ROOT, path) === bundleEntry(outdir))?.[0];
  if (entry === undefined) throw new Error(`esbuild wrote no ${bundleEntry(outdir)}`);
  // Static imports load with the module that makes them; dynamic ones on first use.
  const loaded = new Set([entry]);
  const queue = [entry];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    for (const edge of meta.outputs[path]?.imports ?? []) {
      if (edge.kind !== "import-statement" || edge.external || loaded.has(edge.path)) continue;
      loaded.add(edge.path);
      queue.push(edge.path);
    }
  }
  const bytes = (paths: Iterable<string>) =>
    [...paths].reduce((sum, path) => sum + (meta.outputs[path]?.bytes ?? 0), 0);
  return {
    entryBytes: bytes([entry]),
    coldStartBytes: bytes(loaded),
    totalBytes: bytes(code.map(([path]) => path)),
    chunks: code.length - 1,
    coldStartChunks: loaded.size - 1,
  };
}

interface ColdImport {
  /** Import of the entry in a fresh `node` process (configuration read included), median. */
  readonly coldImportMs: number;
  /** The same fresh process from spawn to exit: Node.js start-up plus the import. */
  readonly coldProcessMs: number;
}

export interface BundleFigure {
  /** What the CDK app deploys: code splitting, the AWS SDK included. */
  readonly split: SplitSizes & ColdImport;
  /** The same with `@aws-sdk/*` left to the Node.js 24 runtime, which ships SDK v3. */
  readonly splitWithoutSdk: SplitSizes;
  /** The same code in one file, as deployed before code splitting. */
  readonly singleFile: { readonly bytes: number } & ColdImport;
  readonly samples: number;
}

/** Runs the ES module `script` in a fresh `node` with the bench's function configuration; its output. */
export function inFreshNode(script: string): string {
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, ...BENCH_ENV, AWS_REGION: "us-east-1", POWERTOOLS_METRICS_DISABLED: "true" },
    encoding: "utf8",
  });
}

/** Cold imports of each file, alternating between them so that both see the same machine load. */
function coldImports(files: readonly string[], samples: number): ColdImport[] {
  const importMs = files.map((): number[] => []);
  const processMs = files.map((): number[] => []);
  for (let i = 0; i < samples + 1; i += 1) {
    for (const [n, file] of files.entries()) {
      const probe = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
      const start = performance.now();
      const output = inFreshNode(probe);
      // The first run warms the file cache, as a deployed package is on local disk.
      if (i === 0) continue;
      processMs[n]?.push(performance.now() - start);
      importMs[n]?.push(Number(output.trim()));
    }
  }
  return files.map((_, n) => ({
    coldImportMs: median(importMs[n] ?? []),
    coldProcessMs: median(processMs[n] ?? []),
  }));
}

/**
 * Bundles the handler split (with and without the SDK) and as one file, times their cold imports, and
 * bundles the bench's child processes: the handler batch both ways, to compare their memory.
 */
export async function benchBundle(quick: boolean): Promise<{
  figure: BundleFigure;
  children: { endpoint: string; handlerBatch: string; handlerBatchSingleFile: string };
}> {
  mkdirSync(OUT_DIR, { recursive: true });
  const split = await splitBundle("./lambda/handler.ts", join(OUT_DIR, "function"));
  const withoutSdk = await splitBundle("./lambda/handler.ts", join(OUT_DIR, "function-no-sdk"), {
    external: ["@aws-sdk/*"],
  });
  const single = await bundle("lambda/handler.ts", join(OUT_DIR, "handler.mjs"));
  // Not minified, so that a stack trace from a child reads; the same for both forms of the batch.
  const children = {
    endpoint: await bundle("bench/endpoint-process.ts", join(OUT_DIR, "endpoint-process.mjs"), {
      minify: false,
    }),
    handlerBatch: (
      await splitBundle("./bench/handler-batch.ts", join(OUT_DIR, "handler-batch-split"), { minify: false })
    ).entryFile,
    handlerBatchSingleFile: await bundle("bench/handler-batch.ts", join(OUT_DIR, "handler-batch.mjs"), {
      minify: false,
    }),
  };

  const samples = quick ? 3 : 7;
  const [splitImport, singleImport] = coldImports([split.entryFile, single], samples);
  if (splitImport === undefined || singleImport === undefined) throw new Error("no cold import figure");
  return {
    figure: {
      split: { ...split.sizes, ...splitImport },
      splitWithoutSdk: withoutSdk.sizes,
      singleFile: { bytes: statSync(single).size, ...singleImport },
      samples,
    },
    children,
  };
}
