import { spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port";
import { ensureApicurio } from "./install";
import { exitOf, stopServer } from "./server-process";

export interface ApicurioServer {
  /** `http://127.0.0.1:<port>`: Apicurio's own REST API is under /apis/registry/v3. */
  readonly url: string;
  /** The Confluent-compatible API root, what `SCHEMA_REGISTRY_URL` points at. */
  readonly ccompatUrl: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** Resolves once `url` answers HTTP 200, or rejects after `timeoutMs` (the port opens before the API is ready). */
async function waitForOk(url: string, timeoutMs: number, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(exited() ? "the JVM exited" : `${url} did not answer 200 within ${timeoutMs} ms`);
}

/**
 * Starts Apicurio Registry 3.0 (Quarkus, in-memory H2 storage: nothing outlives the process) on a free
 * loopback port, the way the bench starts Kafka: Java 17, a small serial-GC heap, logs to a temp file.
 * `stop()` ends the JVM. Schemas are registered through its ccompat API like through Confluent's.
 */
export async function startApicurio(options: { heapMb?: number } = {}): Promise<ApicurioServer> {
  const jar = ensureApicurio();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "apicurio-bench-"));
  const logFile = join(dir, "apicurio.log");
  const out = openSync(logFile, "a");
  const child = spawn(
    "java",
    [
      `-Xmx${options.heapMb ?? 256}m`,
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      "-Djava.awt.headless=true",
      "-Dquarkus.http.host=127.0.0.1",
      `-Dquarkus.http.port=${port}`,
      "-Dapicurio.storage.kind=sql",
      "-Dapicurio.storage.sql.kind=h2",
      `-Djava.io.tmpdir=${dir}`,
      "-jar",
      jar,
    ],
    { stdio: ["ignore", out, out], cwd: dir },
  );
  const exited = exitOf(child);
  const url = `http://127.0.0.1:${port}`;
  const ccompatUrl = `${url}/apis/ccompat/v7`;
  try {
    await waitForOk(`${ccompatUrl}/subjects`, 90_000, () => child.exitCode !== null);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`Apicurio Registry did not start; see ${logFile}`, { cause: error });
  }
  return {
    url,
    ccompatUrl,
    logFile,
    async stop() {
      await stopServer(child, exited, 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
