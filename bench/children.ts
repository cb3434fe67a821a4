import { type ChildProcess, fork } from "node:child_process";
import type { EndpointSettings, EndpointStats } from "./endpoint-process";

/** Waits for the next IPC message of `type` from `child`. */
export function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
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
