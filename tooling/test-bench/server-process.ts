import type { ChildProcess } from "node:child_process";

/** A promise that resolves when `child` exits, however it ends. */
export function exitOf(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => child.once("exit", () => resolve()));
}

/** Stops a server: SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves once it is gone. */
export async function stopServer(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
