import { type ChildProcess, fork } from "node:child_process";
import { functionNodeOptions, functionV8Flags } from "../infra/function-runtime";
import { DEFAULTS } from "../infra/options";
import { BENCH_ENV } from "./conversion";
import type { EndpointSettings, EndpointStats } from "./endpoint-process";
import type { HandlerBatchResult, HandlerBatchSettings } from "./handler-batch";

/** What the CDK app deploys by default (`memorySize` 1,024 MB): a handler child's settings unless told otherwise. */
export const DEPLOYED_NODE_OPTIONS = functionNodeOptions(DEFAULTS.memorySize);
/** The V8 flags of the deployed wrapper script, on a handler child's command line. */
export const DEPLOYED_V8_FLAGS = functionV8Flags(DEFAULTS.memorySize);

/** Waits for the next IPC message of `type` from `child`. */
function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string } & T) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before "${type}"`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

export interface EndpointProcess {
  readonly url: string;
  stats(): Promise<EndpointStats>;
  reset(): Promise<void>;
  close(): void;
}

/** Starts the local endpoint in its own `node` process (from the bundle `bench/bundle.ts` builds). */
export async function startEndpointProcess(
  script: string,
  settings: EndpointSettings,
): Promise<EndpointProcess> {
  const child = fork(script, [JSON.stringify(settings)], {
    execArgv: [],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const { url } = await nextMessage<{ url: string }>(child, "ready");
  return {
    url,
    async stats() {
      const answer = nextMessage<{ stats: EndpointStats }>(child, "stats");
      child.send({ type: "stats" });
      return (await answer).stats;
    },
    async reset() {
      const answer = nextMessage(child, "reset");
      child.send({ type: "reset" });
      await answer;
    },
    close() {
      child.disconnect();
    },
  };
}

/**
 * The environment of a handler-batch child: the bench's configuration against the endpoint process at
 * `endpointUrl` (for this function and for a default `new EventBridgeClient({})` alike), with
 * `overrides` (`NODE_OPTIONS`, `MAX_CONCURRENCY`) on top.
 */
function handlerChildEnv(endpointUrl: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...BENCH_ENV,
    MAX_CONCURRENCY: "16",
    PARTIAL_BATCH_RESPONSE: "true",
    EVENTBRIDGE_ENDPOINT_URL: endpointUrl,
    // What a default `new EventBridgeClient({})` reads (the reference publisher).
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpointUrl,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    ...overrides,
  };
}

/** How a handler child runs; by default as deployed (the NODE_OPTIONS and V8 flags above). */
export interface ChildRuntime {
  readonly nodeOptions?: string | undefined;
  readonly v8Flags?: readonly string[] | undefined;
  /** Node.js options before the V8 flags (`--import tsx` to run bench/handler-batch.ts from source). */
  readonly execArgv?: readonly string[];
  /** More environment variables for the function. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Runs the handler-batch child `script` (bench/handler-batch.ts, bundled or from source) against the
 * endpoint at `endpointUrl`; resolves with its result.
 */
export function runHandlerChild(
  script: string,
  settings: HandlerBatchSettings,
  endpointUrl: string,
  runtime: ChildRuntime = {},
): Promise<HandlerBatchResult> {
  const child = fork(script, [JSON.stringify(settings)], {
    execArgv: [...(runtime.execArgv ?? []), ...(runtime.v8Flags ?? DEPLOYED_V8_FLAGS)],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: handlerChildEnv(endpointUrl, {
      NODE_OPTIONS: runtime.nodeOptions ?? DEPLOYED_NODE_OPTIONS,
      ...runtime.env,
    }),
  });
  return nextMessage<HandlerBatchResult>(child, "result");
}
