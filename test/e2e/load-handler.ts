import { vi } from "vitest";
import type { LambdaHandler } from "../../scripts/local-esm/invocation";

/**
 * Imports the real handler afresh with `env` applied: the handler reads its configuration once, at
 * module import (cold start), so each configuration needs a new module instance.
 */
export async function loadHandler(env: Record<string, string>): Promise<LambdaHandler> {
  Object.assign(process.env, env);
  vi.resetModules();
  const module = await import("../../lambda/handler");
  return module.handler as unknown as LambdaHandler;
}
