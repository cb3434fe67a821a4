import { join, resolve } from "node:path";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import { BUNDLE_ALIASES } from "../../../infra/function-runtime";

const ROOT = resolve(import.meta.dirname, "../../..");

/** Heavy code a function must not load at cold start: only a payload that needs it may import it. */
const HEAVY = [
  "node_modules/avsc/",
  "node_modules/protobufjs/",
  "node_modules/@aws-sdk/client-glue/",
  "node_modules/@aws-sdk/client-secrets-manager/",
  "lambda/schema-registry/codecs/avro.ts",
  "lambda/schema-registry/codecs/protobuf.ts",
  "lambda/schema-registry/codecs/json-schema.ts",
];

async function metafile(entry: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    target: "node24",
    mainFields: ["module", "main"],
    alias: BUNDLE_ALIASES,
    absWorkingDir: ROOT,
    logLevel: "silent",
  });
  return result.metafile;
}

/** Every input reached from `entry` through `kind` edges only (static imports and requires). */
function reached(meta: Metafile, entry: string, follow: (kind: string) => boolean): Set<string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    for (const edge of meta.inputs[path]?.imports ?? []) {
      if (!follow(edge.kind) || seen.has(edge.path)) continue;
      seen.add(edge.path);
      queue.push(edge.path);
    }
  }
  return seen;
}

const isHeavy = (path: string) => HEAVY.some((prefix) => path.includes(prefix));

describe("lazy loading of registry code", () => {
  it("keeps codecs and the Glue and Secrets Manager clients off the decoder's static import graph", async () => {
    const entry = "lambda/schema-registry/registry-decoder-for.ts";
    const meta = await metafile(entry);
    const all = reached(meta, entry, () => true);
    const statically = reached(meta, entry, (kind) => kind !== "dynamic-import");
    const lazy = [...all].filter(isHeavy);
    // The heavy code is in the bundle, behind dynamic imports only.
    expect(lazy.some((path) => path.includes("@aws-sdk/client-glue/"))).toBe(true);
    expect(lazy.some((path) => path.includes("@aws-sdk/client-secrets-manager/"))).toBe(true);
    expect(lazy.filter((path) => path.includes("schema-registry/codecs/"))).toHaveLength(3);
    expect([...statically].filter(isHeavy)).toEqual([]);
  });

  it("keeps them off the handler's static import graph", async () => {
    const entry = "lambda/handler.ts";
    const meta = await metafile(entry);
    expect([...reached(meta, entry, (kind) => kind !== "dynamic-import")].filter(isHeavy)).toEqual([]);
  });
});
