import { vi } from "vitest";
import type { KafkaBatchResponse } from "../../lambda/core/batch-response";
import { lambdaContext } from "../../scripts/local-aws/lambda-context";

export type Handler = (
  event: unknown,
  context?: ReturnType<typeof lambdaContext>,
) => Promise<KafkaBatchResponse>;

/**
 * Imports a fresh copy of the real handler with `env` set, as a cold start would: the configuration is
 * read at import. Call `vi.unstubAllEnvs()` after each test.
 */
export async function loadHandler(env: Record<string, string>): Promise<Handler> {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const { handler } = await import("../../lambda/handler");
  return (event, context = lambdaContext(30_000)) => handler(event, context) as Promise<KafkaBatchResponse>;
}
