import type { LambdaHandler } from "../../tooling/local-esm/invocation";
import { importHandler } from "../support/load-handler";

/** The real handler, imported afresh with `env` applied (the configuration is read at cold start). */
export async function loadHandler(env: Record<string, string>): Promise<LambdaHandler> {
  return (await importHandler(env)) as unknown as LambdaHandler;
}
