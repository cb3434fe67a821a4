import type { RegistryFormat } from "../env-names";
import type { Codec, CompileCodec } from "./codecs/codec";

/** A schema compiled by its format's codec (lambda/schema-registry/codecs/codec.ts). */
export type CompiledCodec = Codec;

/** A codec module's `compile`: throws an `InvalidSchemaError` when the schema does not compile. */
export type CodecCompiler = CompileCodec;

/** Loads the codec of a format on first use (dynamic import), so a function pays only for the formats it sees. */
export type CodecLoader = (format: RegistryFormat) => Promise<CodecCompiler>;
