import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GlueClient } from "@aws-sdk/client-glue";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { glueSchemaRegistry } from "../../../lambda/schema-registry/glue-client";
import {
  RegistryUnavailableError,
  UnknownSchemaError,
} from "../../../lambda/schema-registry/registry-errors";

const VERSION = "0b8e4bd2-7c1f-4f61-9d0e-52f7a3f39c55";
const never = new AbortController().signal;

/** What the endpoint answers next: a status and a JSON body (AWS JSON 1.1), or a dropped connection. */
type Answer = { status: number; body: unknown } | { drop: true };

let server: Server;
let endpoint: string;
let answers: Answer[];
const targets: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      targets.push(`${req.headers["x-amz-target"]} ${body}`);
      const answer = answers.shift() ?? { status: 500, body: { __type: "InternalServiceException" } };
      if ("drop" in answer) {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
beforeEach(() => {
  answers = [];
  targets.length = 0;
});

function registry() {
  const client = new GlueClient({
    endpoint,
    region: "eu-west-1",
    maxAttempts: 1,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return glueSchemaRegistry({ region: undefined, client: async () => client });
}

describe("glueSchemaRegistry", () => {
  it("asks GetSchemaVersion by the version id and maps DataFormat to the format", async () => {
    answers.push({
      status: 200,
      body: { SchemaVersionId: VERSION, DataFormat: "PROTOBUF", SchemaDefinition: "message M {}" },
    });
    await expect(registry()(VERSION, never)).resolves.toEqual({
      format: "protobuf",
      text: "message M {}",
      references: new Map(),
    });
    expect(targets).toEqual([`AWSGlue.GetSchemaVersion {"SchemaVersionId":"${VERSION}"}`]);
  });

  it("is poison (UnknownSchemaError) on EntityNotFoundException", async () => {
    answers.push({
      status: 400,
      body: { __type: "EntityNotFoundException", Message: "Schema version is not found." },
    });
    const error = await registry()(VERSION, never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownSchemaError);
    expect((error as Error).message).toContain(VERSION);
  });

  it.each([
    ["throttling", { status: 400, body: { __type: "ThrottlingException", Message: "Rate exceeded" } }],
    ["an internal error (500)", { status: 500, body: { __type: "InternalServiceException" } }],
    ["access denied", { status: 400, body: { __type: "AccessDeniedException", Message: "no" } }],
    ["a dropped connection", { drop: true as const }],
    ["an answer without a definition", { status: 200, body: { SchemaVersionId: VERSION } }],
  ])("is retryable on %s", async (_, answer) => {
    answers.push(answer);
    await expect(registry()(VERSION, never)).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});
