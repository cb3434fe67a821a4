import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../tooling/cli/cli";
import { kafkaSecurityFrom } from "../../tooling/cli/kafka-options";
import { kafkaConnectionOptions } from "../../tooling/local-esm/kafka-connection";
import { kafkaErrorCauses } from "../../tooling/local-esm/local-esm";

describe("Kafka connection options", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("maps SCRAM and PLAIN to the client's SASL mechanisms, password from KAFKA_PASSWORD", () => {
    const env = { KAFKA_PASSWORD: "pw" };
    for (const [mechanism, wire] of [
      ["scram-512", "SCRAM-SHA-512"],
      ["scram-256", "SCRAM-SHA-256"],
      ["plain", "PLAIN"],
    ] as const) {
      const options = kafkaConnectionOptions(
        kafkaSecurityFrom({ sasl: mechanism, username: "u", tls: true }, env),
      );
      expect(options.sasl).toEqual({ mechanism: wire, username: "u", password: "pw" });
      expect(options.tls).toEqual({});
    }
  });

  it("reads the CA file and can skip verification for test clusters", () => {
    const ca = join(tmpdir(), `ca-${process.pid}.pem`);
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
    expect(kafkaConnectionOptions(kafkaSecurityFrom({ "tls-ca": ca, "tls-insecure": true }, {}))).toEqual({
      tls: { ca: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n", rejectUnauthorized: false },
    });
    expect(() => kafkaConnectionOptions({ tls: { caFile: "/nope.pem" } })).toThrow(
      "cannot read the TLS CA file /nope.pem: ENOENT",
    );
  });

  it("MSK IAM sends a SASL/OAUTHBEARER token that AWS's signer presigned for kafka-cluster:Connect", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
    vi.stubEnv("AWS_SESSION_TOKEN", "");
    vi.stubEnv("AWS_PROFILE", "");
    const options = kafkaConnectionOptions(
      kafkaSecurityFrom({ sasl: "iam", tls: true, region: "eu-west-1" }, {}),
    );
    expect(options.sasl?.mechanism).toBe("OAUTHBEARER");
    const token = options.sasl?.token;
    if (typeof token !== "function") throw new Error("expected a token provider");
    const url = new URL(Buffer.from(await token(), "base64url").toString("utf8"));
    expect(url.host).toBe("kafka.eu-west-1.amazonaws.com");
    expect(url.searchParams.get("Action")).toBe("kafka-cluster:Connect");
    expect(url.searchParams.get("X-Amz-Credential")).toMatch(
      /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/kafka-cluster\/aws4_request$/,
    );
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [{ sasl: "gssapi" }, {}, '--sasl must be one of plain, scram-256, scram-512, iam, got "gssapi"'],
    [
      { sasl: "scram-512", username: "u" },
      {},
      "--sasl scram-512 needs --username (or KAFKA_USERNAME) and KAFKA_PASSWORD",
    ],
    [
      { sasl: "iam", region: "us-east-1" },
      {},
      "--sasl iam needs --tls: MSK serves IAM on its TLS listener (port 9098)",
    ],
    [{ sasl: "iam", tls: true }, {}, "--sasl iam needs the cluster's region: --region or AWS_REGION"],
    [{ username: "u" }, {}, "--username needs --sasl plain|scram-256|scram-512"],
  ])("rejects %j with one clear line", (values, env, message) => {
    expect(() => kafkaSecurityFrom(values, env)).toThrow(new UsageError(message));
  });

  it("names the causes at the bottom of a client error, each once", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:9092"), { code: "ECONNREFUSED" });
    const network = Object.assign(new Error("Connection to 10.0.0.1:9092 failed."), { cause: refused });
    const multiple = Object.assign(new Error("joinGroup failed 2 times."), {
      errors: [Object.assign(new Error("Cannot connect to any broker."), { errors: [network, network] })],
    });
    expect(kafkaErrorCauses(multiple)).toEqual(["connect ECONNREFUSED 10.0.0.1:9092"]);
  });
});
