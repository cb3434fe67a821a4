import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SingleFlightCache } from "./single-flight-cache";

/** The username and password a Confluent-compatible registry takes as HTTP basic auth. */
export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** The region of a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>). */
function regionOf(secretArn: string): string | undefined {
  return /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/.exec(secretArn)?.[1];
}

/** The secret's `{ "username", "password" }`, or a message saying what the secret should hold. */
export function parseBasicCredentials(secretString: string | undefined): BasicCredentials | string {
  const expected = 'a JSON secret string {"username": "...", "password": "..."}';
  if (secretString === undefined) return `${expected}, got a binary secret`;
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    return `${expected}, got text that is not JSON`;
  }
  if (typeof value !== "object" || value === null) return `${expected}, got ${typeof value}`;
  const { username, password } = value as Record<string, unknown>;
  if (typeof username !== "string" || typeof password !== "string")
    return `${expected}, got ${typeof username} username and ${typeof password} password`;
  return { username, password };
}

/**
 * Reads `SCHEMA_REGISTRY_AUTH_SECRET_ARN` once for the container's life: concurrent first calls share one
 * `GetSecretValue`; a failed read is forgotten so that the next batch tries again (a rotated or fixed
 * secret is then picked up). The SDK client loads on first use, so a function without auth never loads it.
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
 */
export function secretsManagerCredentials(
  secretArn: string,
  client?: () => Promise<SecretsManagerClient>,
): () => Promise<BasicCredentials> {
  const clientOf =
    client ??
    (async () => {
      const { SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
      const region = regionOf(secretArn);
      return new SecretsManagerClient(region === undefined ? {} : { region });
    });
  async function read(): Promise<BasicCredentials> {
    const [{ GetSecretValueCommand }, sm] = await Promise.all([
      import("@aws-sdk/client-secrets-manager"),
      clientOf(),
    ]);
    const answer = await sm.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const credentials = parseBasicCredentials(answer.SecretString);
    if (typeof credentials === "string") throw new Error(`secret ${secretArn}: expected ${credentials}`);
    return credentials;
  }
  // One key: concurrent first calls share one read, and a failure is forgotten at once.
  const cache = new SingleFlightCache<BasicCredentials>({ keepFailureMs: () => 0 });
  return () => cache.get(secretArn, read);
}
