import { type KafkaSecurity, SASL_MECHANISMS, type SaslMechanism } from "../local-esm/kafka-connection";
import { UsageError } from "./cli";

/** The TLS/SASL options shared by local-esm and produce, for `parseCliArgs`. */
export const KAFKA_SECURITY_OPTIONS = {
  tls: { type: "boolean" },
  "tls-ca": { type: "string" },
  "tls-insecure": { type: "boolean" },
  sasl: { type: "string" },
  username: { type: "string" },
  region: { type: "string" },
} as const;

export const KAFKA_SECURITY_USAGE = `Connection to the brokers (default PLAINTEXT):
  --tls                      TLS (MSK: 9094 TLS, 9096 SASL/SCRAM, 9098 IAM)
  --tls-ca FILE              PEM CA bundle for the brokers' certificates (default: Node's trusted CAs)
  --tls-insecure             do not verify the brokers' certificates (test clusters only)
  --sasl MECHANISM           plain | scram-256 | scram-512 | iam (MSK IAM, needs --tls)
  --username NAME            SASL user (or KAFKA_USERNAME); the password is read from KAFKA_PASSWORD
  --region REGION            MSK IAM: the cluster's region (default: AWS_REGION, or the --cluster-arn's)
`;

/** Builds the security settings from the parsed options and the environment; a bad one is a {@link UsageError}. */
export function kafkaSecurityFrom(
  values: {
    tls?: boolean;
    "tls-ca"?: string;
    "tls-insecure"?: boolean;
    sasl?: string;
    username?: string;
    region?: string;
  },
  env: Readonly<Record<string, string | undefined>>,
  regionFallback?: string,
): KafkaSecurity {
  const tlsWanted = values.tls === true || values["tls-ca"] !== undefined || values["tls-insecure"] === true;
  const security: { tls?: KafkaSecurity["tls"]; sasl?: KafkaSecurity["sasl"] } = {};
  if (tlsWanted) {
    security.tls = {
      ...(values["tls-ca"] === undefined ? {} : { caFile: values["tls-ca"] }),
      ...(values["tls-insecure"] ? { insecure: true } : {}),
    };
  }
  if (values.sasl !== undefined) {
    const mechanism = values.sasl.toLowerCase();
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new UsageError(`--sasl must be one of ${SASL_MECHANISMS.join(", ")}, got "${values.sasl}"`);
    }
    const username = values.username ?? env.KAFKA_USERNAME;
    const password = env.KAFKA_PASSWORD;
    const region = values.region ?? env.AWS_REGION ?? regionFallback;
    if (mechanism === "iam") {
      if (!tlsWanted)
        throw new UsageError("--sasl iam needs --tls: MSK serves IAM on its TLS listener (port 9098)");
      if (region === undefined)
        throw new UsageError("--sasl iam needs the cluster's region: --region or AWS_REGION");
    } else if (!username || !password) {
      throw new UsageError(`--sasl ${mechanism} needs --username (or KAFKA_USERNAME) and KAFKA_PASSWORD`);
    }
    security.sasl = {
      mechanism: mechanism as SaslMechanism,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(region === undefined ? {} : { region }),
    };
  } else if (values.username !== undefined) {
    throw new UsageError("--username needs --sasl plain|scram-256|scram-512");
  }
  return security;
}

/** Broker list from `--brokers`; each must be host:port. */
export function brokersFrom(text: string | undefined): string[] {
  if (text === undefined) throw new UsageError("--brokers is required (--help for usage)");
  const brokers = text
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b !== "");
  for (const broker of brokers) {
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(broker))
      throw new UsageError(`--brokers must be host:port entries, got "${broker}"`);
  }
  if (brokers.length === 0) throw new UsageError("--brokers must list at least one host:port");
  return brokers;
}
