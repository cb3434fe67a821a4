import type { Rendered } from "../core/decode-payload";
import { runBounded } from "../core/run-bounded";
import type { DecimalFormat } from "../env-names";
import type { CodecLoader, CompiledCodec } from "./codec-port";
import { glueMessagePaths } from "./glue-protobuf-index";
import type { RegistryDecoder, RegistryPoison, RetryableDecodeFailure } from "./registry-decoder";
import {
  InvalidSchemaError,
  REGISTRY_CODES,
  RegistryUnavailableError,
  UnknownSchemaError,
} from "./registry-errors";
import type { RegistrySchema, SchemaSources } from "./registry-schema";
import { SingleFlightCache } from "./single-flight-cache";
import { parseWireFrame, readSchemaRef, type SchemaRef, schemaKey } from "./wire-format";

export interface RegistryDecoderSettings {
  readonly decimalFormat: DecimalFormat;
  /**
   * How long an unknown schema or one that does not compile is remembered before the registry is asked
   * again (default 60 s): a stream of poison records costs one call a minute, not one per batch.
   */
  readonly poisonTtlMs?: number;
  readonly now?: () => number;
}

/** A schema ready to render: its registry format and its compiled codec. */
interface ReadySchema {
  readonly schema: RegistrySchema;
  readonly codec: CompiledCodec;
  /** Glue Protobuf only: the Confluent message-index path of each message in Glue's numbering. */
  readonly gluePaths?: readonly (readonly number[])[];
}

/** Schema lookups one `prepare` runs at once. */
const MAX_CONCURRENT_LOOKUPS = 8;

const FORMAT_NAMES = { avro: "Avro", protobuf: "Protobuf", "json-schema": "JSON Schema" } as const;

function describe(ref: SchemaRef): string {
  return ref.registry === "confluent" ? `schema id ${ref.id}` : `Glue schema version ${ref.versionId}`;
}

function poison(code: string, expected: string): RegistryPoison {
  return { ok: false, code, expected };
}

function retryable(message: string): RetryableDecodeFailure {
  return { ok: false, retryable: true, code: REGISTRY_CODES.registryUnavailable, message };
}

/**
 * The schema-registry decoder (SPEC §9): `prepare` reads the wire headers of a batch's payloads, fetches
 * each schema they name once (single flight, cached for the container's life) and compiles it with its
 * format's codec, loaded on first use; `render` then decodes each payload synchronously.
 *
 * A Confluent-framed payload when no `SCHEMA_REGISTRY_URL` is set is poison (`NoSchemaRegistryUrl`): its
 * schema cannot be had from anywhere, and retrying would block the partition for good.
 */
export function registryDecoder(
  settings: RegistryDecoderSettings,
  sources: SchemaSources,
  loadCodec: CodecLoader,
): RegistryDecoder {
  const poisonTtlMs = settings.poisonTtlMs ?? 60_000;
  const cache = new SingleFlightCache<ReadySchema>({
    keepFailureMs: (error) =>
      error instanceof UnknownSchemaError || error instanceof InvalidSchemaError ? poisonTtlMs : 0,
    ...(settings.now === undefined ? {} : { now: settings.now }),
  });

  async function load(ref: SchemaRef, signal: AbortSignal): Promise<ReadySchema> {
    let schema: RegistrySchema;
    if (ref.registry === "glue") schema = await sources.glue(ref.versionId, signal);
    else if (sources.confluent !== undefined) schema = await sources.confluent(ref.id, signal);
    else throw new RegistryUnavailableError(`${describe(ref)}: no SCHEMA_REGISTRY_URL to ask`);
    let compile: Awaited<ReturnType<CodecLoader>>;
    try {
      compile = await loadCodec(schema.format);
    } catch (cause) {
      throw new RegistryUnavailableError(
        `could not load the ${FORMAT_NAMES[schema.format]} codec: ${(cause as Error).message}`,
        { cause },
      );
    }
    try {
      const codec = compile(schema, { decimalFormat: settings.decimalFormat });
      return ref.registry === "glue" && schema.format === "protobuf"
        ? { schema, codec, gluePaths: glueMessagePaths(schema.text) }
        : { schema, codec };
    } catch (cause) {
      throw new InvalidSchemaError(
        `${describe(ref)} is not a ${FORMAT_NAMES[schema.format]} schema that compiles: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  return {
    async prepare(payloads, signal) {
      const wanted = new Map<string, SchemaRef>();
      for (const payload of payloads) {
        const ref = readSchemaRef(payload.bytes);
        if ("ok" in ref || (ref.registry === "confluent" && sources.confluent === undefined)) continue;
        wanted.set(schemaKey(ref), ref);
      }
      // A few lookups at a time: a batch naming thousands of ids must not open thousands of connections.
      await runBounded([...wanted], MAX_CONCURRENT_LOOKUPS, ([key, ref]) =>
        cache
          .get(key, () => load(ref, signal))
          .then(
            () => undefined,
            () => undefined, // Remembered by the cache; `render` reports it per payload.
          ),
      );
    },

    render(payload): Rendered | RegistryPoison | RetryableDecodeFailure {
      const frame = parseWireFrame(payload.bytes, payload.format);
      if ("ok" in frame) return poison(frame.code, frame.expected);
      const ref = frame.schema;
      if (ref.registry === "confluent" && sources.confluent === undefined)
        return poison(
          REGISTRY_CODES.noSchemaRegistryUrl,
          `bytes in a wire format this function can read: it has a Confluent header (${describe(ref)}) and SCHEMA_REGISTRY_URL is not set`,
        );
      const settled = cache.settled(schemaKey(ref));
      if (settled === undefined || settled.kind === "pending")
        return retryable(`${describe(ref)} was not fetched before rendering`);
      if (settled.kind === "failed") {
        const error = settled.error as Error;
        if (error instanceof UnknownSchemaError)
          return poison(
            REGISTRY_CODES.unknownSchema,
            `encoded with a schema the registry knows: ${error.message}`,
          );
        if (error instanceof InvalidSchemaError)
          return poison(
            REGISTRY_CODES.invalidSchema,
            `encoded with a schema that compiles: ${error.message}`,
          );
        return retryable(error.message);
      }
      const { schema, codec, gluePaths } = settled.value;
      const expected = `${FORMAT_NAMES[payload.format]} matching ${describe(ref)}`;
      if (schema.format !== payload.format)
        return poison(
          REGISTRY_CODES.schemaMismatch,
          `${expected}: the registry has it as ${FORMAT_NAMES[schema.format]} (${payload.part === "key" ? "KEY" : "VALUE"}_FORMAT says ${payload.format})`,
        );
      let messageIndexes = frame.messageIndexes;
      if (frame.glueMessageIndex !== undefined) {
        messageIndexes = gluePaths?.[frame.glueMessageIndex];
        if (messageIndexes === undefined)
          return poison(
            REGISTRY_CODES.schemaMismatch,
            `${expected}: it has no message numbered ${frame.glueMessageIndex} in Glue's order`,
          );
      }
      try {
        const json = codec.render(frame.body, messageIndexes);
        return { ok: true, json, text: json };
      } catch (cause) {
        return poison(REGISTRY_CODES.schemaMismatch, `${expected} (${(cause as Error).message})`);
      }
    },
  };
}
