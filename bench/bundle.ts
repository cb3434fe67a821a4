import { execFileSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { type BuildOptions, build } from "esbuild";
import { BUNDLE_ALIASES, REQUIRE_BANNER } from "../infra/function-runtime";
import { BENCH_ENV } from "./conversion";
import { median } from "./stats";

const ROOT = resolve(import.meta.dirname, "..");
export const OUT_DIR = join(ROOT, ".bench");

/** The options the CDK app bundles the function with (infra/kafka-to-eventbridge.ts). */
const LAMBDA_BUNDLE: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node24",
  format: "esm",
  minify: true,
  mainFields: ["module", "main"],
  banner: { js: REQUIRE_BANNER },
  alias: BUNDLE_ALIASES,
  absWorkingDir: ROOT,
  logLevel: "error",
};

export interface BundleFigure {
  /** Everything bundled, the AWS SDK included (what the CDK app deploys). */
  readonly bytes: number;
  /** `@aws-sdk/*` left to the Node.js 24 runtime, which ships SDK v3. */
  readonly bytesWithoutSdk: number;
  /** Import of the full bundle in a fresh `node` process (configuration read included), median. */
  readonly coldImportMs: number;
  /** The same fresh process from spawn to exit: Node.js start-up plus the import. */
  readonly coldProcessMs: number;
  readonly samples: number;
}

/** Bundles `entry` (relative to the project root) to `outfile` as the CDK app bundles the function. */
export async function bundle(entry: string, outfile: string, options: BuildOptions = {}): Promise<string> {
  await build({ ...LAMBDA_BUNDLE, entryPoints: [join(ROOT, entry)], outfile, ...options });
  return outfile;
}

/** Bundles the handler (with and without the SDK), times its cold import, and bundles the bench's child processes. */
export async function benchBundle(
  quick: boolean,
): Promise<{ figure: BundleFigure; children: { endpoint: string; handlerBatch: string } }> {
  mkdirSync(OUT_DIR, { recursive: true });
  const full = await bundle("lambda/handler.ts", join(OUT_DIR, "handler.mjs"));
  const withoutSdk = await bundle("lambda/handler.ts", join(OUT_DIR, "handler-no-sdk.mjs"), {
    external: ["@aws-sdk/*"],
  });
  const children = {
    endpoint: await bundle("bench/endpoint-process.ts", join(OUT_DIR, "endpoint-process.mjs"), {
      minify: false,
    }),
    handlerBatch: await bundle("bench/handler-batch.ts", join(OUT_DIR, "handler-batch.mjs"), {
      minify: false,
    }),
  };

  const samples = quick ? 3 : 7;
  const importMs: number[] = [];
  const processMs: number[] = [];
  const probe = `const t = performance.now(); await import(${JSON.stringify(full)}); console.log(performance.now() - t);`;
  for (let i = 0; i < samples + 1; i += 1) {
    const start = performance.now();
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", probe], {
      env: { ...process.env, ...BENCH_ENV, AWS_REGION: "us-east-1", POWERTOOLS_METRICS_DISABLED: "true" },
      encoding: "utf8",
    });
    // The first run warms the file cache, as a deployed package is on local disk.
    if (i === 0) continue;
    processMs.push(performance.now() - start);
    importMs.push(Number(output.trim()));
  }
  return {
    figure: {
      bytes: statSync(full).size,
      bytesWithoutSdk: statSync(withoutSdk).size,
      coldImportMs: median(importMs),
      coldProcessMs: median(processMs),
      samples,
    },
    children,
  };
}
