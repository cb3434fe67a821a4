import type { BasicCredentials } from "./basic-credentials";
import { RegistryUnavailableError, UnknownSchemaError } from "./registry-errors";
import { formatOfRegistryName, type RegistrySchema } from "./registry-schema";

export interface ConfluentClientOptions {
  /** `SCHEMA_REGISTRY_URL`: the API root (Confluent, Redpanda, Karapace; Apicurio's `.../apis/ccompat/v7`). */
  readonly url: string;
  /** Basic-auth credentials, or undefined for none; may reject (then the lookup is retryable). */
  readonly credentials?: () => Promise<BasicCredentials | undefined>;
  /** Each HTTP request's own time limit (default 5 s), on top of the caller's signal. */
  readonly requestTimeoutMs?: number;
}

/** One schema as the REST API serves it (`GET /schemas/ids/{id}`, `GET /subjects/{s}/versions/{v}`). */
interface SchemaAnswer {
  readonly schema: string;
  readonly schemaType: string | undefined;
  readonly references: readonly SchemaReference[];
}

interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

const ACCEPT =
  "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isReference(value: unknown): value is SchemaReference {
  return (
    isRecord(value) &&
    typeof value.name === "string" &&
    typeof value.subject === "string" &&
    typeof value.version === "number"
  );
}

/** The answer's schema fields, or undefined when it is not a schema (checked at the network boundary). */
function schemaAnswer(body: unknown): SchemaAnswer | undefined {
  if (!isRecord(body) || typeof body.schema !== "string") return undefined;
  const schemaType = body.schemaType;
  if (schemaType !== undefined && typeof schemaType !== "string") return undefined;
  const references = body.references ?? [];
  if (!Array.isArray(references) || !references.every(isReference)) return undefined;
  return { schema: body.schema, schemaType, references };
}

/**
 * A client of the Confluent Schema Registry REST API, which Confluent, Redpanda, Karapace and Apicurio
 * (ccompat) serve: the schema of an id, with its references resolved recursively.
 * https://docs.confluent.io/platform/current/schema-registry/develop/api.html
 *
 * Failure classes (SPEC §9): HTTP 404 is {@link UnknownSchemaError} (poison); a network error, a timeout,
 * any other status (5xx, 429, 401/403: a setup problem never drains a batch into the dead-letter queue)
 * or an answer that is not a schema is {@link RegistryUnavailableError} (retryable).
 */
export function confluentSchemaRegistry(
  options: ConfluentClientOptions,
): (id: number, signal: AbortSignal) => Promise<RegistrySchema> {
  const root = options.url.replace(/\/+$/, "");
  const timeoutMs = options.requestTimeoutMs ?? 5_000;

  async function get(path: string, what: string, signal: AbortSignal): Promise<SchemaAnswer> {
    const headers: Record<string, string> = { accept: ACCEPT };
    let credentials: BasicCredentials | undefined;
    try {
      credentials = await options.credentials?.();
    } catch (cause) {
      throw new RegistryUnavailableError(
        `could not read the schema registry credentials: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (credentials !== undefined) {
      const token = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
      headers.authorization = `Basic ${token}`;
    }
    const url = `${root}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (cause) {
      const reason = signal.aborted
        ? "the invocation's deadline came first"
        : cause instanceof DOMException && cause.name === "TimeoutError"
          ? `no answer within ${timeoutMs} ms`
          : (((cause as Error).cause as Error | undefined)?.message ?? (cause as Error).message);
      throw new RegistryUnavailableError(`schema registry GET ${url} for ${what} failed: ${reason}`, {
        cause,
      });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      throw new RegistryUnavailableError(`schema registry GET ${url} for ${what}: the answer broke off`, {
        cause,
      });
    }
    if (response.status === 404)
      throw new UnknownSchemaError(`the schema registry at ${root} has no ${what} (HTTP 404)`);
    if (!response.ok) {
      const hint =
        response.status === 401 || response.status === 403
          ? " (check SCHEMA_REGISTRY_AUTH_SECRET_ARN's username and password)"
          : "";
      throw new RegistryUnavailableError(
        `schema registry GET ${url} for ${what} answered HTTP ${response.status}${hint}`,
      );
    }
    let answer: SchemaAnswer | undefined;
    try {
      answer = schemaAnswer(JSON.parse(text));
    } catch {
      answer = undefined;
    }
    if (answer === undefined)
      throw new RegistryUnavailableError(
        `schema registry GET ${url} for ${what} answered HTTP ${response.status} without a schema`,
      );
    return answer;
  }

  /** Adds the texts of `references` and of everything they reference to `into`, each subject version once. */
  async function resolve(
    references: readonly SchemaReference[],
    into: Map<string, string>,
    seen: Set<string>,
    signal: AbortSignal,
  ): Promise<void> {
    const fresh = references.filter((reference) => {
      const key = `${reference.subject}\u0000${reference.version}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    await Promise.all(
      fresh.map(async (reference) => {
        const answer = await get(
          `/subjects/${encodeURIComponent(reference.subject)}/versions/${reference.version}`,
          `reference ${JSON.stringify(reference.name)} (subject ${JSON.stringify(reference.subject)} version ${reference.version})`,
          signal,
        );
        into.set(reference.name, answer.schema);
        await resolve(answer.references, into, seen, signal);
      }),
    );
  }

  return async (id, signal) => {
    const answer = await get(`/schemas/ids/${id}`, `schema id ${id}`, signal);
    const format = formatOfRegistryName(answer.schemaType);
    if (format === undefined)
      throw new UnknownSchemaError(
        `schema id ${id} has schemaType ${JSON.stringify(answer.schemaType)}: expected AVRO, PROTOBUF or JSON`,
      );
    const references = new Map<string, string>();
    await resolve(answer.references, references, new Set(), signal);
    return { format, text: answer.schema, references };
  };
}
