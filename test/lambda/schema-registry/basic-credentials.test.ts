import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import {
  parseBasicCredentials,
  secretsManagerCredentials,
} from "../../../lambda/schema-registry/basic-credentials";

const ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry-auth-AbCdEf";
const secretsManager = mockClient(SecretsManagerClient);
afterEach(() => secretsManager.reset());

describe("parseBasicCredentials", () => {
  it("reads username and password from the JSON secret", () => {
    expect(parseBasicCredentials('{"username":"u","password":"p","other":1}')).toEqual({
      username: "u",
      password: "p",
    });
  });

  it.each([
    [undefined, /binary secret/],
    ["user:pass", /not JSON/],
    ['{"username":"u"}', /string username and undefined password/],
    ["42", /got number/],
  ])("says what the secret should hold when it is %j", (secret, message) => {
    const result = parseBasicCredentials(secret);
    expect(typeof result).toBe("string");
    expect(result).toMatch(message);
  });
});

describe("secretsManagerCredentials", () => {
  const client = async () => new SecretsManagerClient({ region: "eu-west-1" });

  it("reads the secret once for many concurrent and later calls", async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
      SecretString: '{"username":"reader","password":"pw"}',
    });
    const credentials = secretsManagerCredentials(ARN, client);
    const all = await Promise.all([credentials(), credentials(), credentials()]);
    await credentials();
    expect(all).toEqual(Array(3).fill({ username: "reader", password: "pw" }));
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("forgets a failed read, so the next call tries again", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error("Rate exceeded"))
      .resolves({ SecretString: '{"username":"reader","password":"pw"}' });
    const credentials = secretsManagerCredentials(ARN, client);
    await expect(credentials()).rejects.toThrow("Rate exceeded");
    await expect(credentials()).resolves.toEqual({ username: "reader", password: "pw" });
  });

  it("rejects a secret that is not {username, password}, naming the secret", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "not json" });
    await expect(secretsManagerCredentials(ARN, client)()).rejects.toThrow(ARN);
  });
});
