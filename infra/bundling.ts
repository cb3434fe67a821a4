// How the function's code is bundled: one definition for the CDK app (infra/kafka-to-eventbridge.ts)
// and for the bench, which measures the same bundle (bench/bundle.ts).

/** ESM output: packages that still call require() need one (https://github.com/evanw/esbuild/issues/1921). */
export const REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Import paths the bundle takes from elsewhere, relative to the project root (see each target's comment). */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  "node:http": "./lambda/node-http.cjs",
};

/**
 * V8 flags the function runs with. A young generation of at most 2 × 8 MB semi-spaces: V8 otherwise
 * sizes it from the memory it sees (up to 32 MB per semi-space on the bench's 24 GiB host; the Lambda
 * bootstrap passes its own size unless NODE_OPTIONS sets one), and the SDK's short-lived garbage then
 * grows a full batch's peak RSS by 35 MB with no gain in speed (docs/performance.md, "Memory").
 */
export const FUNCTION_NODE_OPTIONS = "--max-semi-space-size=8";
