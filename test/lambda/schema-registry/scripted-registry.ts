import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach } from "vitest";
import { type LocalAwsEndpoint, startLocalAwsEndpoint } from "../../../tooling/local-aws/local-aws-endpoint";

/** A schema as the REST API stores it. */
export interface StoredSchema {
  readonly schema: string;
  readonly schemaType?: string;
  readonly references?: readonly { name: string; subject: string; version: number }[];
}

/** How the endpoint answers one request: normally, with a status, after a delay, or by resetting the connection. */
export type Fault =
  | { readonly status: number; readonly body?: string }
  | { readonly delayMs: number }
  | { readonly reset: true };

export interface ScriptedRegistry {
  readonly url: string;
  readonly ids: Map<number, StoredSchema>;
  readonly subjects: Map<string, StoredSchema>;
  /** Every request's path and Authorization header, in arrival order. */
  readonly requests: { path: string; authorization: string | undefined }[];
  /** Answers to the next requests (one each, first first); normal answers once it is empty. */
  readonly faults: Fault[];
  /** Required `user:password` for basic auth; 401 without it. */
  basicAuth: string | undefined;
  close(): Promise<void>;
}

/**
 * A Confluent-compatible schema registry over real HTTP on a loopback port, for the client's failure
 * classes: `GET /schemas/ids/{id}` and `GET /subjects/{subject}/versions/{version}`, scripted faults.
 */
export async function scriptedRegistry(): Promise<ScriptedRegistry> {
  const ids = new Map<number, StoredSchema>();
  const subjects = new Map<string, StoredSchema>();
  const requests: ScriptedRegistry["requests"] = [];
  const faults: Fault[] = [];
  const registry = { basicAuth: undefined as string | undefined };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/vnd.schemaregistry.v1+json" });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? "";
    requests.push({ path, authorization: req.headers.authorization });
    const fault = faults.shift();
    if (fault !== undefined && "reset" in fault) {
      req.socket.destroy();
      return;
    }
    if (fault !== undefined && "status" in fault) {
      res.writeHead(fault.status, { "content-type": "application/json" });
      res.end(fault.body ?? JSON.stringify({ error_code: fault.status, message: "scripted" }));
      return;
    }
    const answer = () => {
      if (registry.basicAuth !== undefined) {
        const expected = `Basic ${Buffer.from(registry.basicAuth).toString("base64")}`;
        if (req.headers.authorization !== expected)
          return json(res, 401, { error_code: 401, message: "Unauthorized" });
      }
      const byId = /^\/schemas\/ids\/(\d+)$/.exec(path);
      if (byId?.[1] !== undefined) {
        const stored = ids.get(Number(byId[1]));
        return stored === undefined
          ? json(res, 404, { error_code: 40403, message: "Schema not found" })
          : json(res, 200, stored);
      }
      const byVersion = /^\/subjects\/([^/]+)\/versions\/(\d+)$/.exec(path);
      if (byVersion?.[1] !== undefined) {
        const key = `${decodeURIComponent(byVersion[1])}/${byVersion[2]}`;
        const stored = subjects.get(key);
        return stored === undefined
          ? json(res, 404, { error_code: 40402, message: "Version not found" })
          : json(res, 200, stored);
      }
      json(res, 404, { error_code: 404, message: "no such route" });
    };
    if (fault !== undefined && "delayMs" in fault) setTimeout(answer, fault.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(registry, {
    url: `http://127.0.0.1:${port}`,
    ids,
    subjects,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/**
 * For each test of the calling file: a scripted registry holding `schema` under `id`, and the local AWS
 * endpoint (EventBridge, SQS), both closed after the test. They are new for each test: read them through
 * the returned object.
 */
export function useRegistryAndAws(
  id: number,
  schema: object,
): { readonly registry: ScriptedRegistry; readonly aws: LocalAwsEndpoint } {
  const bench = {} as { registry: ScriptedRegistry; aws: LocalAwsEndpoint };
  beforeEach(async () => {
    bench.registry = await scriptedRegistry();
    bench.registry.ids.set(id, { schema: JSON.stringify(schema) });
    bench.aws = await startLocalAwsEndpoint();
  });
  afterEach(async () => {
    await bench.registry.close();
    await bench.aws.close();
  });
  return bench;
}
