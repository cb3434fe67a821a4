import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** What the proxy does to the requests it applies to; `none` forwards everything untouched. */
export type FaultMode =
  | { readonly kind: "none" }
  /** Answers 200 with per-entry `ThrottlingException` for about `fraction` of a PutEvents request's entries. */
  | { readonly kind: "throttle-entries"; readonly fraction: number }
  /** Answers `status` (500 or 503) to every (1/`fraction`)-th request, without forwarding it. */
  | { readonly kind: "http-error"; readonly status: 500 | 503; readonly fraction: number }
  /** Delays every request by `ms` before forwarding it. */
  | { readonly kind: "latency"; readonly ms: number }
  /** Closes the connection without an answer on every (1/`fraction`)-th request. */
  | { readonly kind: "drop"; readonly fraction: number };

export interface FaultCounters {
  requests: number;
  putEventsRequests: number;
  throttledEntries: number;
  httpErrors: number;
  dropped: number;
}

export interface FaultProxy {
  readonly url: string;
  readonly counters: FaultCounters;
  setMode(mode: FaultMode): void;
  close(): Promise<void>;
}

const PUT_EVENTS_TARGET = "AWSEvents.PutEvents";

/** Small deterministic PRNG (mulberry32), so a fault run can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host, "content-length": String(body.length) };
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    upstream.on("error", reject);
    upstream.end(body);
  });
}

function reply(res: ServerResponse, status: number, body: Buffer | string, contentType: string): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

interface PutEventsEntryResult {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

/**
 * An HTTP proxy in front of the AWS emulator that injects faults into PutEvents calls (other calls,
 * such as SQS, pass through unless `allRequests` is set). Entry-level throttling forwards the other
 * entries to the emulator and merges both answers in entry order, as EventBridge answers a partly
 * failed request. Listens on 127.0.0.1 only.
 */
export async function startFaultProxy(
  upstreamUrl: string,
  options: { allRequests?: boolean; seed?: number } = {},
): Promise<FaultProxy> {
  const target = new URL(upstreamUrl);
  const random = prng(options.seed ?? 42);
  let mode: FaultMode = { kind: "none" };
  let faultable = 0;
  // Request-level faults hit every n-th request, so even a short run sees them.
  const hit = (fraction: number) => fraction > 0 && faultable % Math.max(1, Math.round(1 / fraction)) === 0;
  const counters: FaultCounters = {
    requests: 0,
    putEventsRequests: 0,
    throttledEntries: 0,
    httpErrors: 0,
    dropped: 0,
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    counters.requests++;
    const isPutEvents = req.headers["x-amz-target"] === PUT_EVENTS_TARGET;
    if (isPutEvents) counters.putEventsRequests++;
    const current = isPutEvents || options.allRequests ? mode : ({ kind: "none" } as const);
    if (current.kind !== "none") faultable++;
    switch (current.kind) {
      case "latency":
        await new Promise((r) => setTimeout(r, current.ms));
        break;
      case "drop":
        if (hit(current.fraction)) {
          counters.dropped++;
          req.socket.destroy();
          return;
        }
        break;
      case "http-error":
        if (hit(current.fraction)) {
          counters.httpErrors++;
          const type = current.status === 503 ? "ServiceUnavailableException" : "InternalException";
          reply(
            res,
            current.status,
            JSON.stringify({ __type: type, message: "injected by the fault proxy" }),
            "application/x-amz-json-1.1",
          );
          return;
        }
        break;
      case "throttle-entries":
        if (isPutEvents) {
          await throttleEntries(req, res, body, current.fraction);
          return;
        }
        break;
      case "none":
        break;
    }
    const upstream = await forward(target, req, body);
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
  }

  async function throttleEntries(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    fraction: number,
  ): Promise<void> {
    const request = JSON.parse(body.toString("utf8")) as { Entries: unknown[]; [k: string]: unknown };
    const throttled = request.Entries.map(() => random() < fraction);
    const passing = request.Entries.filter((_, i) => !throttled[i]);
    let forwarded: PutEventsEntryResult[] = [];
    if (passing.length > 0) {
      const upstream = await forward(
        target,
        req,
        Buffer.from(JSON.stringify({ ...request, Entries: passing })),
      );
      if (upstream.status !== 200) {
        res.writeHead(upstream.status, upstream.headers);
        res.end(upstream.body);
        return;
      }
      forwarded = (JSON.parse(upstream.body.toString("utf8")) as { Entries: PutEventsEntryResult[] }).Entries;
    }
    let next = 0;
    let failed = 0;
    const entries = throttled.map((isThrottled) => {
      if (isThrottled) {
        counters.throttledEntries++;
        failed++;
        return {
          ErrorCode: "ThrottlingException",
          ErrorMessage: "Rate exceeded (injected by the fault proxy)",
        };
      }
      const result = forwarded[next++] ?? {
        ErrorCode: "InternalFailure",
        ErrorMessage: "missing upstream entry",
      };
      if (result.ErrorCode) failed++;
      return result;
    });
    reply(
      res,
      200,
      JSON.stringify({ FailedEntryCount: failed, Entries: entries }),
      "application/x-amz-json-1.1",
    );
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) reply(res, 502, String(error), "text/plain");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counters,
    setMode(next) {
      mode = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
