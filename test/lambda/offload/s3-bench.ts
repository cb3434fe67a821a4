import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, statSync } from "node:fs";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { ensureMoto } from "../../../tooling/test-bench/install";
import { type MotoServer, startMoto } from "../../../tooling/test-bench/moto-server";
import { TOOLS_DIR } from "../../../tooling/test-bench/paths";

/** A fault the proxy answers with instead of forwarding a request to moto. */
export type S3Fault =
  | { readonly kind: "error"; readonly status: number; readonly code: string }
  /** Holds the request without an answer until the client gives up or the proxy closes. */
  | { readonly kind: "hang" };

export const S3_FAULTS = {
  internalError: { kind: "error", status: 500, code: "InternalError" },
  slowDown: { kind: "error", status: 503, code: "SlowDown" },
  accessDenied: { kind: "error", status: 403, code: "AccessDenied" },
  noSuchBucket: { kind: "error", status: 404, code: "NoSuchBucket" },
  hang: { kind: "hang" },
} as const satisfies Record<string, S3Fault>;

/** One request the proxy saw: method, path (`/<bucket>/<key>`), whether a fault answered it, its signature. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly faulted: boolean;
  readonly authorization: string;
}

/**
 * moto's S3 behind a small proxy on loopback that can answer chosen requests with S3 error documents
 * or hold them, so the real SDK meets real wire answers: stored objects come from moto, failures have
 * S3's shape (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
export interface S3Bench {
  /** The endpoint to give the function (the proxy). */
  readonly url: string;
  /** Which requests fail, and how; `undefined` forwards to moto. Reset to none by {@link S3Bench.reset}. */
  fault: (request: { method: string; path: string }) => S3Fault | undefined;
  readonly seen: SeenRequest[];
  /** The most requests the proxy held at once since the last reset. */
  readonly maxInFlight: number;
  /** A fresh bucket on moto, named uniquely. */
  createBucket(): Promise<string>;
  getObject(bucket: string, key: string): Promise<{ body: Buffer; contentType: string | undefined }>;
  listKeys(bucket: string): Promise<string[]>;
  /** The client the tests read moto with (path style, straight to moto). */
  readonly client: S3Client;
  reset(): void;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function errorDocument(code: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code} (injected)</Message><RequestId>${randomUUID()}</RequestId><HostId>local</HostId></Error>`;
}

/**
 * Installs moto once when several test files start at the same time on a fresh clone (vitest runs files
 * in parallel, and two pip installs into one venv break it): a lock directory serializes the installs.
 */
async function ensureMotoInstalled(): Promise<void> {
  const lock = join(TOOLS_DIR, "moto-install.lock");
  mkdirSync(TOOLS_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock left by a process that died mid-install is stale after ten minutes.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 600_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    ensureMoto();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Starts moto and the fault proxy in front of it. */
export async function startS3Bench(): Promise<S3Bench> {
  await ensureMotoInstalled();
  const moto: MotoServer = await startMoto();
  const target = new URL(moto.endpoint);
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const none = () => undefined;
  const inFlight = { now: 0, peak: 0 };

  const forward = (request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: target.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on("error", () => response.destroy());
    upstream.end(body);
  };

  const bench: S3Bench = {
    url: "",
    fault: none,
    seen,
    maxInFlight: 0,
    client: new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: "us-east-1" }),
    async createBucket() {
      const bucket = `claims-${randomUUID().slice(0, 8)}`;
      await bench.client.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    async getObject(bucket, key) {
      const answer = await bench.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return {
        body: Buffer.from((await answer.Body?.transformToByteArray()) ?? []),
        contentType: answer.ContentType,
      };
    },
    async listKeys(bucket) {
      const answer = await bench.client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (answer.Contents ?? []).map((object) => object.Key ?? "").sort();
    },
    reset() {
      bench.fault = none;
      seen.length = 0;
      inFlight.peak = inFlight.now;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      bench.client.destroy();
      await moto.stop();
    },
  };

  const server: Server = createServer(async (request, response) => {
    inFlight.now += 1;
    inFlight.peak = Math.max(inFlight.peak, inFlight.now);
    response.on("close", () => {
      inFlight.now -= 1;
    });
    const body = await readBody(request);
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://local").pathname);
    const method = request.method ?? "GET";
    const fault = bench.fault({ method, path });
    seen.push({
      method,
      path,
      faulted: fault !== undefined,
      authorization: String(request.headers.authorization ?? ""),
    });
    if (fault === undefined) return forward(request, body, response);
    if (fault.kind === "hang") return;
    const document = errorDocument(fault.code);
    response.writeHead(fault.status, {
      "content-type": "application/xml",
      "content-length": Buffer.byteLength(document),
      "x-amz-request-id": randomUUID(),
    });
    response.end(document);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  Object.defineProperties(bench, {
    url: { value: `http://127.0.0.1:${port}` },
    maxInFlight: { get: () => inFlight.peak },
  });
  return bench;
}
