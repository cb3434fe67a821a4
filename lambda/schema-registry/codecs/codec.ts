import type { DecimalFormat } from "../../env-names";

/** A writer schema as the registry returns it, with the texts of the schemas it references by name. */
export interface CodecSchema {
  readonly text: string;
  /** Referenced schema texts by reference name (Avro: the full type name; Protobuf: the import path). */
  readonly references: ReadonlyMap<string, string>;
}

export interface CodecOptions {
  readonly decimalFormat: DecimalFormat;
}

/** A compiled writer schema. `render` is pure and synchronous; it throws `SchemaMismatchError` on bad bytes. */
export interface Codec {
  /**
   * The payload (the bytes after the wire header) as compact JSON text for `detail`.
   * `messageIndexes` selects the Protobuf message (Confluent's message-index list); other codecs ignore it.
   */
  render(payload: Buffer, messageIndexes?: readonly number[]): string;
}

/** What every codec module exports, so the registry decoder can `await import()` any of them alike. */
export type CompileCodec = (schema: CodecSchema, options: CodecOptions) => Codec;
