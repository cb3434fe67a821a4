import { type ChildProcess, spawn } from "node:child_process";

/** Runs a CLI of scripts/ as a child process, collecting its output. */
export function runScript(script: string, args: readonly string[], env: Record<string, string> = {}) {
  const child: ChildProcess = spawn("node_modules/.bin/tsx", [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout?.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output, exited };
}
