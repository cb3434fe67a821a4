import type { RegistryFormat } from "../env-names";

/** A schema as a registry serves it: its format, its text, and the texts of what it imports. */
export interface RegistrySchema {
  readonly format: RegistryFormat;
  readonly text: string;
  /**
   * Every schema it references, directly or through another reference, by the name it is imported as
   * (an Avro full name, a `.proto` import path, a JSON Schema `$ref` URL). Empty for Glue, which has none.
   */
  readonly references: ReadonlyMap<string, string>;
}

/**
 * The registry names of the three formats: Confluent's `schemaType` (absent means Avro) and Glue's
 * `DataFormat` spell them the same way.
 * https://docs.confluent.io/platform/current/schema-registry/develop/api.html#get--schemas-ids-int-%20id
 * https://docs.aws.amazon.com/glue/latest/webapi/API_GetSchemaVersion.html
 */
const FORMAT_BY_REGISTRY_NAME: Readonly<Record<string, RegistryFormat>> = {
  AVRO: "avro",
  PROTOBUF: "protobuf",
  JSON: "json-schema",
};

/** The format of a registry's `schemaType` / `DataFormat`, or undefined for one this function does not know. */
export function formatOfRegistryName(name: string | undefined): RegistryFormat | undefined {
  return FORMAT_BY_REGISTRY_NAME[name ?? "AVRO"];
}

/**
 * Where the decoder gets schemas from: each function makes one call per schema (the decoder caches) and
 * rejects with `UnknownSchemaError` (poison) or `RegistryUnavailableError` (retryable).
 */
export interface SchemaSources {
  /** Undefined when `SCHEMA_REGISTRY_URL` is not set: a Confluent-framed payload is then poison. */
  readonly confluent: ((id: number, signal: AbortSignal) => Promise<RegistrySchema>) | undefined;
  readonly glue: (versionId: string, signal: AbortSignal) => Promise<RegistrySchema>;
}
