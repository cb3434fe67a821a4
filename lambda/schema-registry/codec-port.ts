import type { DecimalFormat, RegistryFormat } from "../env-names";

/** A schema compiled by its format's codec: renders payload bodies (wire header removed) as JSON text. */
export interface CompiledCodec {
  /**
   * The body as JSON text for `detail`. Throws when the bytes do not match the schema. `messageIndexes`
   * selects the Protobuf message by Confluent's index path (`[0]` the first top-level message).
   */
  render(payload: Buffer, messageIndexes?: readonly number[]): string;
}

/** A codec module's `compile` (lambda/schema-registry/codecs/*.ts): throws when the schema does not compile. */
export type CodecCompiler = (
  schema: { readonly text: string; readonly references: ReadonlyMap<string, string> },
  options: { readonly decimalFormat: DecimalFormat },
) => CompiledCodec;

/** Loads the codec of a format on first use (dynamic import), so a function pays only for the formats it sees. */
export type CodecLoader = (format: RegistryFormat) => Promise<CodecCompiler>;
