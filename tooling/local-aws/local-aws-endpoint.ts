import { createHash, randomUUID } from "node:crypto";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** A PutEvents entry as it arrived on the wire (the SDK sends Time as epoch seconds). */
export interface WireEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  Resources?: string[];
  EventBusName?: string;
  Time?: number;
}

export interface WireDeadLetter {
  Id: string;
  MessageBody: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue: string }>;
}

export type EntryReply = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** How the endpoint answers one call: per-entry results, a whole-request error, or a dropped connection. */
export type Reply<T> =
  | { readonly results: T }
  | { readonly status: number; readonly errorType: string; readonly message?: string }
  | { readonly drop: true };

/** Scripted answers; `call` counts from 0 for each new behaviour object set on the endpoint. */
export interface Behaviour {
  putEvents?(
    entries: WireEntry[],
    call: number,
    headers: IncomingHttpHeaders,
  ): Reply<EntryReply[]> | Promise<Reply<EntryReply[]>>;
  sendMessageBatch?(
    entries: WireDeadLetter[],
    call: number,
  ): Reply<{ failedIds: string[] }> | Promise<Reply<{ failedIds: string[] }>>;
}

export interface LocalAwsEndpoint {
  readonly url: string;
  /** Every PutEvents call answered with HTTP 200, with its entries (accepted or not) and headers. */
  readonly putEvents: { entries: WireEntry[]; headers: IncomingHttpHeaders; endpointId?: string }[];
  /** Every entry answered with an EventId: what EventBridge would have put on the bus. */
  readonly events: WireEntry[];
  /** Every dead-letter message SQS accepted. */
  readonly deadLetters: WireDeadLetter[];
  /** Every STS call's form parameters (AssumeRole). */
  readonly stsCalls: URLSearchParams[];
  behaviour: Behaviour;
  close(): Promise<void>;
}

const accept = (entries: WireEntry[]): Reply<EntryReply[]> => ({
  results: entries.map(() => ({ EventId: randomUUID() })),
});

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(response: ServerResponse, status: number, body: unknown, contentType: string) {
  response.writeHead(status, { "content-type": contentType, "x-amzn-requestid": randomUUID() });
  response.end(JSON.stringify(body));
}

function sendError(
  response: ServerResponse,
  reply: { status: number; errorType: string; message?: string },
  contentType: string,
) {
  response.writeHead(reply.status, { "content-type": contentType, "x-amzn-errortype": reply.errorType });
  response.end(JSON.stringify({ __type: reply.errorType, message: reply.message ?? reply.errorType }));
}

const ASSUME_ROLE_ANSWER = (
  expiration: string,
) => `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIALOCALASSUMED</AccessKeyId>
      <SecretAccessKey>local-secret</SecretAccessKey>
      <SessionToken>local-session-token</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
    <AssumedRoleUser><AssumedRoleId>AROALOCAL:session</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/local/session</Arn></AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;

/**
 * A small AWS endpoint on loopback speaking the wire protocols the function uses: EventBridge PutEvents
 * (JSON 1.1), SQS SendMessageBatch (JSON 1.0, with the MD5 the SDK checks) and STS AssumeRole (query).
 * It accepts everything by default; `behaviour` scripts throttling, errors, delays or dropped
 * connections per call. Used by the dry run (`npm start`) and the handler's HTTP-level tests.
 */
export async function startLocalAwsEndpoint(behaviour: Behaviour = {}): Promise<LocalAwsEndpoint> {
  const putEvents: LocalAwsEndpoint["putEvents"] = [];
  const events: WireEntry[] = [];
  const deadLetters: WireDeadLetter[] = [];
  const stsCalls: URLSearchParams[] = [];
  const calls = new WeakMap<Behaviour, { putEvents: number; sendMessageBatch: number }>();
  const countersOf = (current: Behaviour) => {
    let counters = calls.get(current);
    if (counters === undefined) {
      counters = { putEvents: 0, sendMessageBatch: 0 };
      calls.set(current, counters);
    }
    return counters;
  };

  const endpoint = { behaviour } as { behaviour: Behaviour };

  const server: Server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    const target = String(request.headers["x-amz-target"] ?? "");
    try {
      if (target === "AWSEvents.PutEvents") {
        const input = JSON.parse(body) as { Entries: WireEntry[]; EndpointId?: string };
        const current = endpoint.behaviour;
        const reply = await (current.putEvents ?? accept)(
          input.Entries,
          countersOf(current).putEvents++,
          request.headers,
        );
        if ("drop" in reply) return request.socket.destroy();
        if ("status" in reply) return sendError(response, reply, "application/x-amz-json-1.1");
        putEvents.push({
          entries: input.Entries,
          headers: request.headers,
          ...(input.EndpointId ? { endpointId: input.EndpointId } : {}),
        });
        reply.results.forEach((result, index) => {
          const entry = input.Entries[index];
          if ("EventId" in result && entry) events.push(entry);
        });
        const failed = reply.results.filter((result) => "ErrorCode" in result).length;
        return sendJson(
          response,
          200,
          { FailedEntryCount: failed, Entries: reply.results },
          "application/x-amz-json-1.1",
        );
      }
      if (target === "AmazonSQS.SendMessageBatch") {
        const input = JSON.parse(body) as { Entries: WireDeadLetter[] };
        const current = endpoint.behaviour;
        const behave = current.sendMessageBatch ?? (() => ({ results: { failedIds: [] as string[] } }));
        const reply = await behave(input.Entries, countersOf(current).sendMessageBatch++);
        if ("drop" in reply) return request.socket.destroy();
        if ("status" in reply) return sendError(response, reply, "application/x-amz-json-1.0");
        const failedIds = new Set(reply.results.failedIds);
        const successful = input.Entries.filter((entry) => !failedIds.has(entry.Id));
        deadLetters.push(...successful);
        return sendJson(
          response,
          200,
          {
            Successful: successful.map((entry) => ({
              Id: entry.Id,
              MessageId: randomUUID(),
              MD5OfMessageBody: createHash("md5").update(entry.MessageBody).digest("hex"),
            })),
            Failed: [...failedIds].map((Id) => ({
              Id,
              Code: "InternalError",
              SenderFault: false,
              Message: "injected",
            })),
          },
          "application/x-amz-json-1.0",
        );
      }
      const form = new URLSearchParams(body);
      if (form.get("Action") === "AssumeRole") {
        stsCalls.push(form);
        response.writeHead(200, { "content-type": "text/xml" });
        return response.end(ASSUME_ROLE_ANSWER(new Date(Date.now() + 3_600_000).toISOString()));
      }
      sendError(
        response,
        { status: 400, errorType: "UnknownOperationException", message: `unsupported: ${target}` },
        "application/json",
      );
    } catch (error) {
      sendError(
        response,
        { status: 500, errorType: "InternalFailure", message: String(error) },
        "application/json",
      );
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${port}`,
    putEvents,
    events,
    deadLetters,
    stsCalls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
