import { readFileSync } from "node:fs";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import type { SASLOptions } from "@platformatic/kafka";

/** SASL mechanisms the local ESM speaks, named as the CDK app's `auth` option names them. */
export const SASL_MECHANISMS = ["plain", "scram-256", "scram-512", "iam"] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

const WIRE_MECHANISM = {
  plain: "PLAIN",
  "scram-256": "SCRAM-SHA-256",
  "scram-512": "SCRAM-SHA-512",
  iam: "OAUTHBEARER",
} as const satisfies Record<SaslMechanism, SASLOptions["mechanism"]>;

/** How to reach the brokers: TLS, and SASL (MSK IAM is SASL/OAUTHBEARER with a signed token). */
export interface KafkaSecurity {
  readonly tls?: {
    /** PEM file of the CA that signed the brokers' certificates (default: Node's trusted CAs). */
    readonly caFile?: string;
    /** Skip certificate verification: only for a test cluster. */
    readonly insecure?: boolean;
  };
  readonly sasl?: {
    readonly mechanism: SaslMechanism;
    readonly username?: string;
    readonly password?: string;
    /** MSK IAM: the cluster's region, which signs the token. */
    readonly region?: string;
  };
}

/** What @platformatic/kafka's clients take for TLS and SASL. */
export interface KafkaConnectionOptions {
  readonly tls?: TlsOptions;
  readonly sasl?: SASLOptions;
}

/**
 * An MSK IAM token provider: AWS's signer library presigns a `kafka-cluster:Connect` request with the
 * default credential chain, and the client sends it as the SASL/OAUTHBEARER token; it is called on
 * every connection, so tokens never go stale. The library loads only when IAM is used.
 * https://docs.aws.amazon.com/msk/latest/developerguide/iam-access-control.html
 */
export function mskIamToken(region: string): () => Promise<string> {
  return async () => {
    const { generateAuthToken } = await import("aws-msk-iam-sasl-signer-js");
    return (await generateAuthToken({ region })).token;
  };
}

/**
 * Turns the security settings into client options; throws an error naming the missing or bad setting
 * (a SASL mechanism without credentials, IAM without TLS or region, an unreadable CA file).
 */
export function kafkaConnectionOptions(security: KafkaSecurity): KafkaConnectionOptions {
  const out: { tls?: TlsOptions; sasl?: SASLOptions } = {};
  if (security.tls !== undefined) {
    const tls: TlsOptions = {};
    if (security.tls.caFile !== undefined) {
      try {
        tls.ca = readFileSync(security.tls.caFile, "utf8");
      } catch (error) {
        throw new Error(
          `cannot read the TLS CA file ${security.tls.caFile}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        );
      }
    }
    if (security.tls.insecure) tls.rejectUnauthorized = false;
    out.tls = tls;
  }
  const sasl = security.sasl;
  if (sasl !== undefined) {
    if (sasl.mechanism === "iam") {
      if (sasl.region === undefined)
        throw new Error("MSK IAM needs the cluster's region (--region, or AWS_REGION)");
      // MSK serves IAM authentication on its TLS listener (port 9098) only.
      if (out.tls === undefined)
        throw new Error("MSK IAM needs TLS (--tls): MSK serves IAM on its TLS listener, port 9098");
      out.sasl = { mechanism: WIRE_MECHANISM.iam, token: mskIamToken(sasl.region) };
    } else {
      if (!sasl.username || !sasl.password) {
        throw new Error(
          `SASL ${sasl.mechanism} needs a username and a password (--username, KAFKA_PASSWORD)`,
        );
      }
      out.sasl = {
        mechanism: WIRE_MECHANISM[sasl.mechanism],
        username: sasl.username,
        password: sasl.password,
      };
    }
  }
  return out;
}
