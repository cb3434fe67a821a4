// How the function's code is bundled and run: one definition for the CDK app
// (infra/kafka-to-eventbridge.ts) and for the bench, which measures the same bundle (bench/bundle.ts).

/** ESM output: packages that still call require() need one (https://github.com/evanw/esbuild/issues/1921). */
export const REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Import paths the bundle takes from elsewhere, relative to the project root (see each target's comment). */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  "node:http": "./lambda/node-http.cjs",
};

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
  const maxOldSpaceMB = Math.min(MAX_OLD_SPACE_MB, Math.floor(memorySize / 2));
  return `--max-semi-space-size=2 --max-old-space-size=${maxOldSpaceMB}`;
}
