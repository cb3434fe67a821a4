import { describe, expect, it } from "vitest";
import { eventBridgeClient } from "../../../lambda/adapters/eventbridge-publisher";
import { canonicalPathOf } from "../../../lambda/adapters/put-events-http";
import { type SigningCredentials, SigV4Signer } from "../../../lambda/adapters/sigv4";

// The lean path's SigV4 signer against the SDK's own (@smithy/signature-v4, as the EventBridge client
// resolves it) on the same requests, and against a vector of AWS's SigV4 test suite.

const EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** The SDK's signature of the same request, with the client's signer for `credentials`. */
async function sdkHeaders(
  path: string,
  headers: Record<string, string>,
  credentials: SigningCredentials,
  date: Date,
): Promise<Record<string, string>> {
  const client = eventBridgeClient({
    eventBusRegion: "eu-west-1",
    eventBridgeEndpointUrl: undefined,
    iamRoleArn: undefined,
    iamExternalId: undefined,
    connectorId: "test",
  });
  client.config.credentials = async () => credentials;
  const signer = await client.config.signer();
  const signed = await signer.sign(
    {
      method: "POST",
      protocol: "https:",
      hostname: "events.eu-west-1.amazonaws.com",
      path,
      query: {},
      headers,
    },
    { signingDate: date, signingRegion: "eu-west-1", signingService: "events" },
  );
  return signed.headers;
}

const HEADERS = {
  host: "events.eu-west-1.amazonaws.com",
  "content-type": "application/x-amz-json-1.1",
  "x-amz-target": "AWSEvents.PutEvents",
  "content-length": "2",
  "x-amz-content-sha256": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
};

describe("SigV4Signer", () => {
  it.each([
    [
      "with a session token",
      { accessKeyId: "AKIDA", secretAccessKey: "secret/A+b", sessionToken: "tok==" },
      "/",
    ],
    ["without a session token", { accessKeyId: "AKIDB", secretAccessKey: "other" }, "/"],
    [
      "under an endpoint path to encode",
      { accessKeyId: "AKIDC", secretAccessKey: "s" },
      "/proxy/a%20b/(x)*//",
    ],
  ])("signs as the SDK's signer does, %s", async (_case, credentials, path) => {
    const signer = new SigV4Signer("eu-west-1", "events");
    for (const date of [new Date("2026-11-29T23:59:59.999Z"), new Date("2026-11-30T00:00:01.000Z")]) {
      const ours = signer.sign(
        {
          method: "POST",
          canonicalPath: canonicalPathOf(path),
          headers: HEADERS,
          payloadHash: HEADERS["x-amz-content-sha256"],
        },
        credentials,
        date,
      );
      expect(ours).toEqual(await sdkHeaders(path, HEADERS, credentials, date));
    }
  });

  it("signs as the SDK's signer does when one signer's requests change headers", async () => {
    const signer = new SigV4Signer("eu-west-1", "events");
    const date = new Date("2026-11-30T01:30:00.000Z");
    const withToken = { accessKeyId: "AKIDA", secretAccessKey: "a", sessionToken: "t" };
    const withoutToken = { accessKeyId: "AKIDA", secretAccessKey: "a" };
    const { host: _host, ...withoutHost } = HEADERS;
    const cases = [
      [HEADERS, withoutToken],
      [HEADERS, withToken],
      [withoutHost, withToken],
      [{ ...withoutHost, host: HEADERS.host }, withoutToken],
      [HEADERS, withoutToken],
    ] as const;
    for (const [headers, credentials] of cases) {
      const request = {
        method: "POST",
        canonicalPath: "/",
        headers,
        payloadHash: HEADERS["x-amz-content-sha256"],
      };
      expect(signer.sign(request, credentials, date)).toEqual(
        await sdkHeaders("/", headers, credentials, date),
      );
    }
  });

  it("derives a new signing key when the credentials are refreshed", async () => {
    const signer = new SigV4Signer("eu-west-1", "events");
    const date = new Date("2026-11-29T12:00:00Z");
    const request = {
      method: "POST",
      canonicalPath: "/",
      headers: HEADERS,
      payloadHash: HEADERS["x-amz-content-sha256"],
    };
    const before = { accessKeyId: "AKID1", secretAccessKey: "first", sessionToken: "t1" };
    const after = { accessKeyId: "AKID2", secretAccessKey: "second", sessionToken: "t2" };
    expect(signer.sign(request, before, date)).toEqual(await sdkHeaders("/", HEADERS, before, date));
    expect(signer.sign(request, after, date)).toEqual(await sdkHeaders("/", HEADERS, after, date));
  });

  it("matches AWS's SigV4 test suite (post-vanilla)", () => {
    const signer = new SigV4Signer("us-east-1", "service");
    const headers = signer.sign(
      {
        method: "POST",
        canonicalPath: "/",
        headers: { host: "example.amazonaws.com" },
        payloadHash: EMPTY_HASH,
      },
      { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
      new Date("2015-08-30T12:36:00Z"),
    );
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    );
  });
});
