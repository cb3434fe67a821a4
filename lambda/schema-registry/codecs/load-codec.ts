import type { RegistryFormat } from "../../env-names";
import type { CompileCodec } from "./codec";

/**
 * The codec of a registry format, imported on first use: a function whose topics are all JSON never
 * loads avsc or protobufjs, and an Avro-only one never loads protobufjs. The import paths are literal
 * so that esbuild bundles each codec (lazily evaluated) into the function.
 */
export async function loadCodec(format: RegistryFormat): Promise<CompileCodec> {
  switch (format) {
    case "avro":
      return (await import("./avro")).compile;
    case "protobuf":
      return (await import("./protobuf")).compile;
    case "json-schema":
      return (await import("./json-schema")).compile;
  }
}
