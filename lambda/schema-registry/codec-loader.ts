import type { RegistryFormat } from "../env-names";
import type { CodecCompiler, CodecLoader } from "./codec-port";

/**
 * Each format's codec module, imported on first use: esbuild keeps the codecs (and avsc / protobufjs)
 * out of the start-up path, so a function that never sees an Avro record never evaluates avsc.
 * The specifiers are widened to `string` for the type checker only (esbuild drops `as` and still sees a
 * literal it bundles); the module is then checked against the {@link CodecCompiler} port at run time.
 */
const CODEC_MODULES: Readonly<Record<RegistryFormat, () => Promise<unknown>>> = {
  avro: () => import("./codecs/avro" as string),
  protobuf: () => import("./codecs/protobuf" as string),
  "json-schema": () => import("./codecs/json-schema" as string),
};

function isCodecModule(module: unknown): module is { readonly compile: CodecCompiler } {
  return (
    typeof module === "object" &&
    module !== null &&
    typeof (module as { compile?: unknown }).compile === "function"
  );
}

/** Loads a format's codec (lambda/schema-registry/codecs/<format>.ts) the first time it is needed. */
export const loadCodec: CodecLoader = async (format) => {
  const module = await CODEC_MODULES[format]();
  if (!isCodecModule(module)) throw new Error(`the ${format} codec module exports no compile function`);
  return module.compile;
};
