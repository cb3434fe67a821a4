import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { eventBridgeClient, eventBridgePublisher } from "../../../lambda/adapters/eventbridge-publisher";
import { PutEventsHttp, putEventsBody } from "../../../lambda/adapters/put-events-http";
import { requestFailure } from "../../../lambda/adapters/request-failure";
import type { RequestFailedError } from "../../../lambda/errors";

// The lean PutEvents path against a real HTTP server that scripts each answer: signing, the clock-skew
// correction, the SDK's retry strategy, timeouts and the error classification run for real.

interface Call {
  readonly headers: IncomingHttpHeaders;
  readonly body: { Entries: Record<string, unknown>[]; EndpointId?: string };
}
type Answer = (response: ServerResponse, call: number) => void;

let server: Server;
let url: string;
let calls: Call[];
let answer: Answer;

const accepted: Answer = (response) => {
  response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
  response.end(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] }));
};
const failing =
  (status: number, errorType: string, headers: Record<string, string> = {}): Answer =>
  (response) => {
    response.writeHead(status, { "x-amzn-errortype": errorType, ...headers });
    response.end(JSON.stringify({ message: `${errorType} happened` }));
  };

beforeEach(async () => {
  calls = [];
  answer = accepted;
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      calls.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      answer(response, calls.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDLOCAL");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
  vi.stubEnv("AWS_SESSION_TOKEN", "session-token");
  vi.stubEnv("AWS_MAX_ATTEMPTS", "3");
});
afterEach(async () => {
  vi.unstubAllEnvs();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ENTRY = {
  Source: "kafka-connect.test",
  DetailType: "kafka-connect-orders",
  Detail: '{"value":"a \\"quoted\\" é"}',
  Resources: [],
  EventBusName: "arn:aws:events:eu-west-1:123456789012:event-bus/b",
};

function transportClient() {
  return eventBridgeClient({
    eventBusRegion: "eu-west-1",
    eventBridgeEndpointUrl: url,
    iamRoleArn: undefined,
    iamExternalId: undefined,
    connectorId: "test",
  });
}

function transport(idleTimeoutMs?: number) {
  return new PutEventsHttp(transportClient(), {
    globalEndpointId: undefined,
    maxSockets: 2,
    ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
  });
}

async function failureOf(promise: Promise<unknown>): Promise<RequestFailedError> {
  try {
    await promise;
  } catch (error) {
    return requestFailure(error);
  }
  throw new Error("expected the request to fail");
}

describe("PutEventsHttp", () => {
  it("sends the entries as PutEvents JSON, signed for the bus's region with the session token", async () => {
    const time = new Date("2026-11-29T10:00:00.250Z");
    const answerOf = await transport().send([ENTRY, { ...ENTRY, Time: time }], AbortSignal.timeout(5_000));
    expect(answerOf.Entries).toEqual([{ EventId: "e-1" }]);
    const [call] = calls;
    expect(call?.body.Entries).toEqual([ENTRY, { ...ENTRY, Time: time.getTime() / 1000 }]);
    expect(call?.headers["x-amz-target"]).toBe("AWSEvents.PutEvents");
    expect(call?.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(call?.headers["x-amz-security-token"]).toBe("session-token");
    expect(String(call?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/eu-west-1\/events\/aws4_request, SignedHeaders=.*x-amz-target/,
    );

    // What arrived verifies with the SDK's own signer: the same signed headers give the same signature.
    const authorization = String(call?.headers.authorization);
    const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(";") ?? [];
    const received = Object.fromEntries(signedNames.map((name) => [name, String(call?.headers[name])]));
    const stamp = received["x-amz-date"] ?? "";
    const signingDate = new Date(
      `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13)}`,
    );
    const sdkSigner = await transportClient().config.signer();
    const resigned = await sdkSigner.sign(
      { method: "POST", protocol: "http:", hostname: "127.0.0.1", path: "/", query: {}, headers: received },
      { signingDate, signingRegion: "eu-west-1", signingService: "events" },
    );
    expect(signedNames).toEqual(
      expect.arrayContaining(["content-length", "host", "x-amz-content-sha256", "x-amz-security-token"]),
    );
    expect(authorization).toBe(resigned.headers.authorization);
  });

  it("writes the global endpoint's EndpointId into the body", () => {
    expect(JSON.parse(putEventsBody([ENTRY], "abcde.veo").toString("utf8"))).toEqual({
      Entries: [ENTRY],
      EndpointId: "abcde.veo",
    });
  });

  it("re-signs with the service's clock after a request refused for clock skew", async () => {
    const serverClock = Date.now() + 3_600_000;
    answer = (response, call) => {
      if (call === 0) {
        failing(403, "InvalidSignatureException", { date: new Date(serverClock).toUTCString() })(
          response,
          call,
        );
      } else accepted(response, call);
    };
    await transport().send([ENTRY], AbortSignal.timeout(5_000));
    expect(calls).toHaveLength(2);
    const signedAt = (call: Call | undefined) => {
      const text = String(call?.headers["x-amz-date"]);
      return Date.parse(
        `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.slice(13, 15)}Z`,
      );
    };
    expect(Math.abs(signedAt(calls[0]) - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(signedAt(calls[1]) - serverClock)).toBeLessThan(60_000);
  });

  it("retries throttling and 5xx answers as the SDK's retry strategy does (AWS_MAX_ATTEMPTS)", async () => {
    answer = (response, call) =>
      call === 0
        ? failing(400, "ThrottlingException")(response, call)
        : failing(503, "ServiceUnavailable")(response, call);
    const failure = await failureOf(transport().send([ENTRY], AbortSignal.timeout(10_000)));
    expect(calls).toHaveLength(3);
    expect(failure.kind).toBe("retryable");
    expect(failure.code).toBe("ServiceUnavailable");
  });

  it("classifies access denied as systemic and a 413 as too large, without retrying them", async () => {
    answer = failing(400, "AccessDeniedException");
    const denied = await failureOf(transport().send([ENTRY], AbortSignal.timeout(5_000)));
    expect(denied.kind).toBe("systemic");
    expect(denied.code).toBe("AccessDeniedException");
    answer = (response) => {
      response.writeHead(413);
      response.end();
    };
    const tooLarge = await failureOf(transport().send([ENTRY], AbortSignal.timeout(5_000)));
    expect(tooLarge.kind).toBe("tooLarge");
    expect(calls).toHaveLength(2);
  });

  it("retries a reset connection and a request whose socket stays silent past the idle timeout", async () => {
    answer = (response, call) => {
      if (call === 0) response.socket?.destroy();
      else if (call === 1)
        return; // never answers
      else accepted(response, call);
    };
    const sent = await transport(100).send([ENTRY], AbortSignal.timeout(10_000));
    expect(sent.Entries).toHaveLength(1);
    expect(calls).toHaveLength(3);
  });

  it("gives up at once when the deadline signal aborts, without another attempt", async () => {
    answer = () => undefined;
    const failure = await failureOf(transport().send([ENTRY], AbortSignal.timeout(200)));
    expect(failure.kind).toBe("retryable");
    expect(failure.code).toBe("AbortError");
    expect(calls).toHaveLength(1);
  });
});

describe("eventBridgePublisher", () => {
  it("answers one result per entry, failed entries with their error code", async () => {
    answer = (response) => {
      response.writeHead(200);
      response.end(
        JSON.stringify({
          FailedEntryCount: 1,
          Entries: [{ EventId: "e-1" }, { ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }],
        }),
      );
    };
    const client = eventBridgeClient({
      eventBusRegion: "eu-west-1",
      eventBridgeEndpointUrl: url,
      iamRoleArn: undefined,
      iamExternalId: undefined,
      connectorId: "test",
    });
    const publisher = eventBridgePublisher(client, { globalEndpointId: undefined, maxConcurrency: 2 });
    expect(await publisher.publish([ENTRY, ENTRY], AbortSignal.timeout(5_000))).toEqual([
      { eventId: "e-1" },
      { errorCode: "ThrottlingException", errorMessage: "Rate exceeded" },
    ]);
  });
});
