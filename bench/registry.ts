// Schema-registry figures of issue 9: registry calls per 10,000-record batch sharing 3 schemas (counted
// at a Confluent-compatible endpoint over real HTTP), and the cold import of the function with and
// without the registry codecs loaded. `npx tsx bench/registry.ts [--quick]` prints them as JSON.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { RegistryPayload } from "../lambda/schema-registry/registry-decoder";
import type { registryDecoderFor as decoderFor } from "../lambda/schema-registry/registry-decoder-for";
import { inFreshNode, OUT_DIR, splitBundle } from "./bundle";
import { BENCH_ENV } from "./conversion";
import { median } from "./stats";

const RECORDS = 10_000;
const SCHEMAS = 3;

export interface RegistryCallsFigure {
  readonly records: number;
  readonly schemas: number;
  /** Registry requests of the first batch (cold cache) and of the same batch again (warm). */
  readonly callsCold: number;
  readonly callsWarm: number;
  /** `prepare` of the cold batch: header reads, 3 fetches over loopback HTTP, codec loads and compiles. */
  readonly prepareColdMs: number;
  /** Payloads of the cold batch that rendered (all of them when the codecs are present). */
  readonly rendered: number;
}

/** An Avro schema whose one field is a string, encoded by hand: length (zig-zag varint) and UTF-8 bytes. */
function avroString(text: string): Buffer {
  const bytes = Buffer.from(text);
  const zigzag = bytes.length * 2;
  const length = zigzag < 0x80 ? [zigzag] : [(zigzag & 0x7f) | 0x80, zigzag >> 7];
  return Buffer.concat([Buffer.from(length), bytes]);
}

/**
 * Counts the registry calls the decoder makes for a batch of 10,000 records that share 3 schemas. The
 * decoder comes from `bundleFile` (see {@link benchCodecImport}): the bundled code, codecs included, as deployed.
 */
export async function benchRegistryCalls(bundleFile: string): Promise<RegistryCallsFigure> {
  // The bundle holds the handler, which reads its configuration at import.
  for (const [name, value] of Object.entries({ ...BENCH_ENV, POWERTOOLS_METRICS_DISABLED: "true" }))
    process.env[name] ??= value;
  const { registryDecoderFor } = (await import(bundleFile)) as { registryDecoderFor: typeof decoderFor };
  let calls = 0;
  const server = createServer((req, res) => {
    calls += 1;
    const id = Number(/^\/schemas\/ids\/(\d+)$/.exec(req.url ?? "")?.[1]);
    res.writeHead(id >= 1 && id <= SCHEMAS ? 200 : 404, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        schema: JSON.stringify({ type: "record", name: `R${id}`, fields: [{ name: "s", type: "string" }] }),
      }),
    );
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const decoder = registryDecoderFor({
      schemaRegistryUrl: url,
      schemaRegistryAuthSecretArn: undefined,
      glueRegistryRegion: undefined,
      decimalFormat: "base64",
    });
    const payloads: RegistryPayload[] = Array.from({ length: RECORDS }, (_, i) => {
      const header = Buffer.alloc(5);
      header.writeUInt32BE((i % SCHEMAS) + 1, 1);
      return {
        bytes: Buffer.concat([header, avroString(`record ${i}`)]),
        format: "avro",
        topic: "bench",
        part: "value",
      };
    });
    const signal = new AbortController().signal;
    const start = performance.now();
    await decoder.prepare(payloads, signal);
    const prepareColdMs = performance.now() - start;
    const callsCold = calls;
    const rendered = payloads.filter((payload) => decoder.render(payload).ok).length;
    await decoder.prepare(payloads, signal);
    return {
      records: RECORDS,
      schemas: SCHEMAS,
      callsCold,
      callsWarm: calls - callsCold,
      prepareColdMs,
      rendered,
    };
  } finally {
    server.close();
  }
}

export interface CodecImportFigure {
  /** The probe's entry (the handler, the decoder and a codec-loading hook), for {@link benchRegistryCalls}. */
  readonly withRegistryFile: string;
  /** What a cold start of the probe reads (its entry and static chunks): no codec, no registry client. */
  readonly coldStartBytes: number;
  /** Every code file of the probe's bundle: codecs and registry clients are chunks loaded on first use. */
  readonly totalBytes: number;
  /** Fresh process, median: import of the entry (configuration read), nothing registry-related loaded. */
  readonly coldImportMs: number;
  /** That import, then all three codecs loaded, as the first registry payloads would. */
  readonly withCodecsLoadedMs: number;
  readonly codecs: readonly string[];
  readonly samples: number;
}

/** Median import time of `bundle` in fresh processes (the first run warms the file cache), codecs loaded or not. */
function coldImport(file: string, loadCodecs: boolean, samples: number): { ms: number; loaded: string[] } {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(file)}); const loaded = ${
    loadCodecs ? "await m.loadAllCodecs()" : "[]"
  }; console.log(JSON.stringify({ ms: performance.now() - t, loaded }));`;
  const values: number[] = [];
  let loaded: string[] = [];
  for (let i = 0; i < samples + 1; i += 1) {
    const output = inFreshNode(script);
    const result = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as { ms: number; loaded: string[] };
    loaded = result.loaded;
    if (i > 0) values.push(result.ms);
  }
  return { ms: median(values), loaded };
}

/** Bundles the probe as the CDK app bundles the function (code splitting); times cold imports with and without codecs. */
export async function benchCodecImport(quick: boolean): Promise<CodecImportFigure> {
  const { entryFile, sizes } = await splitBundle("./bench/codec-probe.ts", join(OUT_DIR, "registry-probe"));
  const samples = quick ? 3 : 7;
  const withCodecs = coldImport(entryFile, true, samples);
  return {
    withRegistryFile: entryFile,
    coldStartBytes: sizes.coldStartBytes,
    totalBytes: sizes.totalBytes,
    coldImportMs: coldImport(entryFile, false, samples).ms,
    withCodecsLoadedMs: withCodecs.ms,
    codecs: withCodecs.loaded,
    samples,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  const codecImport = await benchCodecImport(quick);
  const registryCalls = await benchRegistryCalls(codecImport.withRegistryFile);
  console.log(JSON.stringify({ registryCalls, codecImport }, null, 2));
}
