import { vi } from "vitest";
import type { KafkaBatchResponse } from "../../lambda/core/batch-response";
import type { handler as lambdaHandler } from "../../lambda/handler";
import { lambdaContext } from "../../tooling/local-aws/lambda-context";

export type Handler = (
  event: unknown,
  context?: ReturnType<typeof lambdaContext>,
) => Promise<KafkaBatchResponse>;

/**
 * Imports a fresh copy of the real handler with `env` set, as a cold start would: the configuration is
 * read at import. Call `vi.unstubAllEnvs()` after each test.
 */
export async function importHandler(env: Record<string, string>): Promise<typeof lambdaHandler> {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return (await import("../../lambda/handler")).handler;
}

/** {@link importHandler}, called with a 30-second Lambda context unless the test gives one. */
export async function loadHandler(env: Record<string, string>): Promise<Handler> {
  const handler = await importHandler(env);
  return (event, context = lambdaContext(30_000)) => handler(event, context) as Promise<KafkaBatchResponse>;
}
