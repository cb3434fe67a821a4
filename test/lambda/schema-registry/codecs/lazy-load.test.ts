import { resolve } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../../..");

/** The node_modules packages a module pulls in when bundled, as the CDK app bundles the function. */
async function packagesOf(entry: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [resolve(ROOT, entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "error",
  });
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) packages.add(match[1]);
  }
  return packages;
}

describe("codec modules load apart, so a function pays only for the codecs its topics use", () => {
  it("bundles the JSON Schema codec without avsc or protobufjs", async () => {
    const packages = await packagesOf("lambda/schema-registry/codecs/json-schema.ts");
    expect(packages.has("avsc")).toBe(false);
    expect(packages.has("protobufjs")).toBe(false);
  });

  it("bundles the Avro codec with avsc and without protobufjs", async () => {
    const packages = await packagesOf("lambda/schema-registry/codecs/avro.ts");
    expect(packages.has("avsc")).toBe(true);
    expect(packages.has("protobufjs")).toBe(false);
  });

  it("bundles the Protobuf codec with protobufjs and without avsc", async () => {
    const packages = await packagesOf("lambda/schema-registry/codecs/protobuf.ts");
    expect(packages.has("protobufjs")).toBe(true);
    expect(packages.has("avsc")).toBe(false);
  });
});
