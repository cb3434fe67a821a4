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

describe("loadCodec", () => {
  it("loads each format's compile function, which renders a payload of that format", async () => {
    const { loadCodec } = await import("../../../../lambda/schema-registry/codecs/load-codec");
    const options = { decimalFormat: "base64" } as const;
    const avro = (await loadCodec("avro"))({ text: '"long"', references: new Map() }, options);
    expect(avro.render(Buffer.from([0x03]))).toBe("-2");
    const protobuf = (await loadCodec("protobuf"))(
      { text: 'syntax = "proto3"; message M { int32 a = 1; }', references: new Map() },
      options,
    );
    expect(protobuf.render(Buffer.from([0x08, 0x05]))).toBe('{"a":5}');
    const jsonSchema = (await loadCodec("json-schema"))({ text: "{}", references: new Map() }, options);
    expect(jsonSchema.render(Buffer.from(' {"a": 1} '))).toBe('{"a":1}');
  });
});
