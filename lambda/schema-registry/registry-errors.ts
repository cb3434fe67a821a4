import { KafkaEventBridgeError } from "../errors";

export { InvalidSchemaError } from "./codec-error";

/**
 * Codes of the registry's outcomes. Poison (dead-lettered): `UnknownSchema` (the registry answers that the
 * id does not exist), `InvalidWireFormat` (no, a wrong or a truncated header), `InvalidSchema` (the
 * registry's schema text does not compile), `SchemaMismatch` (bytes that do not match their schema, or a
 * schema of another format than the topic's), `NoSchemaRegistryUrl` (a Confluent header on a function
 * without `SCHEMA_REGISTRY_URL`). Retryable (reported failed): `RegistryUnavailable`.
 */
export const REGISTRY_CODES = {
  unknownSchema: "UnknownSchema",
  invalidWireFormat: "InvalidWireFormat",
  invalidSchema: "InvalidSchema",
  schemaMismatch: "SchemaMismatch",
  noSchemaRegistryUrl: "NoSchemaRegistryUrl",
  registryUnavailable: "RegistryUnavailable",
} as const;

/** The registry says this schema does not exist (HTTP 404, Glue `EntityNotFoundException`): poison. */
export class UnknownSchemaError extends KafkaEventBridgeError {
  readonly code = REGISTRY_CODES.unknownSchema;
}

/**
 * The registry could not be asked or did not answer usefully: network error, timeout, 5xx, throttling,
 * access denied, or an answer that is not a schema. The record is reported failed, never dead-lettered.
 */
export class RegistryUnavailableError extends KafkaEventBridgeError {
  readonly code = REGISTRY_CODES.registryUnavailable;
}
