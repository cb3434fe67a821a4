import type { GlueClient } from "@aws-sdk/client-glue";
import { RegistryUnavailableError, UnknownSchemaError } from "./registry-errors";
import { formatOfRegistryName, type RegistrySchema } from "./registry-schema";

export interface GlueRegistryOptions {
  /** `GLUE_REGISTRY_REGION`, else the function's own region (the SDK's `AWS_REGION`). */
  readonly region: string | undefined;
  /** The client to use (tests); by default one is made on first use, with the function's role. */
  readonly client?: () => Promise<GlueClient>;
}

/**
 * The AWS Glue Schema Registry: a schema version's definition by its id (the UUID in the Glue wire
 * header), with the function's role (`glue:GetSchemaVersion`). `@aws-sdk/client-glue` loads on the first
 * Glue-framed payload, so a function that never sees one never loads it. The endpoint follows the SDK's
 * own settings, `AWS_ENDPOINT_URL_GLUE` included.
 * https://docs.aws.amazon.com/glue/latest/webapi/API_GetSchemaVersion.html
 *
 * `EntityNotFoundException` is {@link UnknownSchemaError} (poison); anything else (throttling, 5xx,
 * network, access denied: a setup problem is never dead-lettered) is {@link RegistryUnavailableError}.
 */
export function glueSchemaRegistry(
  options: GlueRegistryOptions,
): (versionId: string, signal: AbortSignal) => Promise<RegistrySchema> {
  let client: Promise<GlueClient> | undefined;
  const clientOf =
    options.client ??
    (async () => {
      const { GlueClient } = await import("@aws-sdk/client-glue");
      return new GlueClient(options.region === undefined ? {} : { region: options.region });
    });

  return async (versionId, signal) => {
    let answer: { DataFormat?: string | undefined; SchemaDefinition?: string | undefined };
    try {
      if (client === undefined) {
        client = clientOf();
        client.catch(() => {
          client = undefined;
        });
      }
      const [{ GetSchemaVersionCommand }, glue] = await Promise.all([import("@aws-sdk/client-glue"), client]);
      answer = await glue.send(new GetSchemaVersionCommand({ SchemaVersionId: versionId }), {
        abortSignal: signal,
      });
    } catch (cause) {
      const name = (cause as Error).name;
      if (name === "EntityNotFoundException")
        throw new UnknownSchemaError(`the Glue schema registry has no schema version ${versionId}`, {
          cause,
        });
      throw new RegistryUnavailableError(
        `Glue GetSchemaVersion ${versionId} failed: ${name}: ${(cause as Error).message}`,
        { cause },
      );
    }
    const format = formatOfRegistryName(answer.DataFormat);
    if (answer.SchemaDefinition === undefined || answer.DataFormat === undefined || format === undefined)
      throw new RegistryUnavailableError(
        `Glue GetSchemaVersion ${versionId} answered without a known DataFormat and SchemaDefinition`,
      );
    return { format, text: answer.SchemaDefinition, references: new Map() };
  };
}
