// How the function's code is bundled and run: one definition for the CDK app
// (infra/kafka-to-eventbridge.ts) and for the bench, which measures the same bundle (bench/bundle.ts).
import { chmodSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BuildOptions } from "esbuild";

/** ESM output: packages that still call require() need one (https://github.com/evanw/esbuild/issues/1921). */
export const REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Import paths the bundle takes from elsewhere, relative to the project root (see each target's comment). */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  "node:http": "./lambda/node-http.cjs",
};

/** The project root, the working directory of every bundle. */
export const PROJECT_ROOT = resolve(import.meta.dirname, "..");

/** The handler the function bundles (SPEC §1), relative to the project root; the export stays `handler`. */
export const HANDLER_ENTRY = "./lambda/handler.ts";

/**
 * The function's bundle in `outdir`: ESM with code splitting (https://esbuild.github.io/api/#splitting).
 * Each dynamically imported module (the Avro, Protobuf and JSON Schema codecs, the Glue, Secrets Manager
 * and S3 clients, the credential providers a function may not use) becomes a chunk that Node.js reads
 * and parses on first use only; `index.mjs` and the chunks it imports statically (code it shares with
 * those modules) are what a JSON-only function loads at cold start. Every output file gets the banner
 * (chunks call require() too). The AWS SDK is bundled, so the deployed code runs the versions the
 * lockfile pins and the tests ran. Plain JSON, so that the CDK app's Docker fallback runs the same options.
 */
export function functionBundle(root: string, outdir: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: { index: HANDLER_ENTRY },
    outdir,
    bundle: true,
    splitting: true,
    platform: "node",
    target: "node24",
    format: "esm",
    outExtension: { ".js": ".mjs" },
    minify: true,
    sourcemap: true,
    mainFields: ["module", "main"],
    banner: { js: REQUIRE_BANNER },
    alias: { ...BUNDLE_ALIASES },
    logLevel: "error",
  };
}

/** The entry file of the function's bundle in `outdir` (the `index` of `index.handler`). */
export const bundleEntry = (outdir: string): string => join(outdir, "index.mjs");

/**
 * The old generation V8 may grow to. The 10,000-record 6 MB bench batch still completes with 32 MB
 * (slower, collecting often), so this leaves it four times its live heap; a feature that keeps more
 * per batch must be measured against it (the bench runs the handler with these options, and CI runs
 * the bench).
 */
const MAX_OLD_SPACE_MB = 128;

/**
 * `NODE_OPTIONS` of a function with `memorySize` MB. Left alone, V8 sizes its heap from the memory it
 * sees (on the bench's 24 GiB host: semi-spaces up to 32 MB and a 4 GB old generation; the Lambda
 * bootstrap passes sizes of its own unless NODE_OPTIONS sets them), and the SDK's short-lived garbage,
 * about 175 KB per PutEvents call, grows a full batch's peak RSS to about 180 MB before V8 collects it.
 * Semi-spaces of 2 MB and a bounded old generation keep that peak near 117 MB, for about 19 % more
 * CPU and 3.5 % more wall time than 8 MB semi-spaces alone (docs/performance.md, "Memory").
 */
export function functionNodeOptions(memorySize: number): string {
  return `--max-semi-space-size=2 --max-old-space-size=${maxOldSpaceMB(memorySize)}`;
}

const maxOldSpaceMB = (memorySize: number) => Math.min(MAX_OLD_SPACE_MB, Math.floor(memorySize / 2));

/**
 * The old generation V8 starts with, at most. V8 starts it small and grows it by collecting as it
 * fills: a first batch of 6 MB paid three incremental mark-compacts for it (`--trace-gc`). 48 MB holds
 * what that batch keeps (about 35 MB), so its first old-generation collection comes once it is done;
 * half the bound below 96 MB of old generation.
 */
const INITIAL_OLD_SPACE_MB = 48;

/**
 * V8 flags a function with `memorySize` MB runs with. Node.js accepts these only on its command line,
 * not in NODE_OPTIONS, so the bundle carries a wrapper script that Lambda starts the runtime through
 * (`AWS_LAMBDA_EXEC_WRAPPER`, https://docs.aws.amazon.com/lambda/latest/dg/runtimes-modify.html#runtime-wrapper).
 * - `--max-opt=2`: V8 optimizes with Maglev only, not TurboFan, whose compilations of the hot path
 *   cost more CPU in a container's first full batch than its faster code saves;
 * - `--no-concurrent-recompilation`: optimizing compilations run on the main thread, not handed to a
 *   worker thread and back (in Lambda every thread shares the function's one CPU share);
 * - `--initial-old-space-size`: see {@link INITIAL_OLD_SPACE_MB}.
 * The bench batch's first run takes about 30 % less CPU with them (docs/performance.md, "V8 flags").
 */
export function functionV8Flags(memorySize: number): readonly string[] {
  const initialOldSpaceMB = Math.min(INITIAL_OLD_SPACE_MB, Math.floor(maxOldSpaceMB(memorySize) / 2));
  return ["--max-opt=2", "--no-concurrent-recompilation", `--initial-old-space-size=${initialOldSpaceMB}`];
}

/** The wrapper's file in the bundle, and where Lambda finds it (the code's folder, LAMBDA_TASK_ROOT). */
export const EXEC_WRAPPER_FILE = "node-flags";
export const EXEC_WRAPPER_PATH = `/var/task/${EXEC_WRAPPER_FILE}`;

/**
 * The wrapper script of a function with `memorySize` MB: Lambda passes it the interpreter's path, then
 * the interpreter's arguments (its own flags and the runtime's entry); it starts the same command with
 * {@link functionV8Flags} after the interpreter.
 */
export function execWrapperScript(memorySize: number): string {
  return `#!/bin/sh
# Lambda starts the runtime through this script (AWS_LAMBDA_EXEC_WRAPPER): the interpreter, then its
# arguments. V8 flags that NODE_OPTIONS does not accept go here (infra/function-runtime.ts).
interpreter="$1"
shift
exec "$interpreter" ${functionV8Flags(memorySize).join(" ")} "$@"
`;
}

/** Writes {@link execWrapperScript} into the bundle's folder `outdir`, executable. */
export function writeExecWrapper(outdir: string, memorySize: number): void {
  const file = join(outdir, EXEC_WRAPPER_FILE);
  writeFileSync(file, execWrapperScript(memorySize));
  chmodSync(file, 0o755);
}
