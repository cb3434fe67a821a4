import type { GlueClient } from "@aws-sdk/client-glue";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Config } from "../config";
import { REGISTRY_FORMATS, type RecordFormat } from "../env-names";
import { secretsManagerCredentials } from "./basic-credentials";
import { registryDecoder } from "./cached-registry-decoder";
import type { CodecLoader } from "./codec-port";
import { loadCodec } from "./codecs/load-codec";
import { confluentSchemaRegistry } from "./confluent-client";
import { glueSchemaRegistry } from "./glue-client";
import type { RegistryDecoder } from "./registry-decoder";

/** The settings the decoder reads (a slice of {@link Config}, so tests and tools can pass just these). */
export type RegistrySettings = Pick<
  Config,
  "schemaRegistryUrl" | "schemaRegistryAuthSecretArn" | "glueRegistryRegion" | "decimalFormat"
>;

/** What the handler may supply instead of the defaults (made on first use, with the function's role). */
export interface RegistryClients {
  readonly glue?: () => Promise<GlueClient>;
  readonly secretsManager?: () => Promise<SecretsManagerClient>;
  readonly loadCodec?: CodecLoader;
}

/**
 * The decoder the handler wires into the pipeline, from the function's configuration: a Confluent REST
 * client when `SCHEMA_REGISTRY_URL` is set (basic auth from `SCHEMA_REGISTRY_AUTH_SECRET_ARN` when set),
 * Glue always (its payloads name their version id; no URL needed). Making it costs nothing at cold start:
 * no SDK client or codec loads until a payload needs it.
 */
export function registryDecoderFor(
  settings: RegistrySettings,
  clients: RegistryClients = {},
): RegistryDecoder {
  const secretArn = settings.schemaRegistryAuthSecretArn;
  const credentials =
    secretArn === undefined ? undefined : secretsManagerCredentials(secretArn, clients.secretsManager);
  return registryDecoder(
    { decimalFormat: settings.decimalFormat },
    {
      confluent:
        settings.schemaRegistryUrl === undefined
          ? undefined
          : confluentSchemaRegistry({
              url: settings.schemaRegistryUrl,
              ...(credentials === undefined ? {} : { credentials }),
            }),
      glue: glueSchemaRegistry({
        region: settings.glueRegistryRegion,
        ...(clients.glue === undefined ? {} : { client: clients.glue }),
      }),
    },
    clients.loadCodec ?? loadCodec,
  );
}

/** Whether any topic's key or value is read through a schema registry (`avro`, `protobuf`, `json-schema`). */
export function usesSchemaRegistry(config: Pick<Config, "keyFormat" | "valueFormat">): boolean {
  const formats: RecordFormat[] = [];
  for (const selector of [config.keyFormat, config.valueFormat]) {
    formats.push(selector.defaultFormat, ...selector.byTopic.values());
  }
  return formats.some((format) => (REGISTRY_FORMATS as readonly string[]).includes(format));
}
