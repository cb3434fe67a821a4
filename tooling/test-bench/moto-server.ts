import { spawn } from "node:child_process";
import { freePort, waitForPort } from "./free-port";
import { ensureMoto } from "./install";
import { exitOf, stopServer } from "./server-process";

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: one endpoint for every AWS service moto emulates. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto in server mode on a free loopback port (EventBridge, SQS, S3, STS ... on one endpoint). */
export async function startMoto(): Promise<MotoServer> {
  const motoServer = ensureMoto();
  const port = await freePort();
  const child = spawn(motoServer, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "false" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = exitOf(child);
  try {
    await waitForPort("127.0.0.1", port, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`moto did not start: ${stderr}`, { cause: error });
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      await stopServer(child, exited, 5_000);
    },
  };
}
