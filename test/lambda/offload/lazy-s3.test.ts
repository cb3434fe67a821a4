import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

// A function without OFFLOAD_S3_BUCKET must not pay for the S3 client at cold start: the module graph
// reaches @aws-sdk/client-s3 only through a dynamic import, which esbuild's code splitting shows as a
// chunk of its own, outside what the entry point loads.
const outdir = mkdtempSync(join(tmpdir(), "lazy-s3-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

async function staticallyLoaded(entry: string): Promise<{ loaded: string[]; lazy: string[] }> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    outdir: join(outdir, entry.replace(/\W/g, "-")),
    metafile: true,
    write: false,
    logLevel: "error",
  });
  const outputs = metafile.outputs;
  const [entryOutput] = Object.entries(outputs).filter(([, output]) => output.entryPoint === entry);
  if (entryOutput === undefined) throw new Error(`no output for ${entry}`);
  // Everything the entry chunk loads before running: itself and its static imports, transitively.
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || outputs[path] === undefined) return;
    seen.add(path);
    for (const imported of outputs[path]?.imports ?? [])
      if (imported.kind === "import-statement") visit(imported.path);
  };
  visit(entryOutput[0]);
  const inputsOf = (paths: Iterable<string>) =>
    [...paths].flatMap((path) => Object.keys(outputs[path]?.inputs ?? {}));
  const all = Object.keys(outputs).filter((path) => !seen.has(path));
  return { loaded: inputsOf(seen), lazy: inputsOf(all) };
}

describe("the S3 client loads lazily", () => {
  it.each(["lambda/offload/claim-check-ports.ts", "lambda/handler.ts"])(
    "%s loads @aws-sdk/client-s3 only on demand",
    async (entry) => {
      const { loaded } = await staticallyLoaded(entry);
      expect(loaded.filter((input) => input.includes("@aws-sdk/client-s3/"))).toEqual([]);
    },
  );

  it("the claim-check ports do reach it, through a dynamic import", async () => {
    const { lazy } = await staticallyLoaded("lambda/offload/claim-check-ports.ts");
    expect(lazy.some((input) => input.includes("@aws-sdk/client-s3/"))).toBe(true);
  });
});
