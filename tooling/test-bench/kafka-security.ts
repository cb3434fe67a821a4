import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The SASL user of a secured test broker: one name and password for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512. */
export const TEST_SASL_USER = { username: "alice", password: "alice-secret" } as const;

/** Where a secured test broker listens, besides its PLAINTEXT listener, and what a client needs. */
export interface SecuredListeners {
  /** `127.0.0.1:<port>` of the SASL_PLAINTEXT listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). */
  readonly saslPlaintext: string;
  /** `127.0.0.1:<port>` of the SSL listener (server certificate only, no client authentication). */
  readonly ssl: string;
  /** `127.0.0.1:<port>` of the SASL_SSL listener (the same mechanisms over TLS). */
  readonly saslSsl: string;
  /** PEM file of the self-signed CA that signed the broker's certificate (for 127.0.0.1 and localhost). */
  readonly caFile: string;
  readonly user: typeof TEST_SASL_USER;
}

const MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

function openssl(dir: string, args: readonly string[]): void {
  const run = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  if (run.status !== 0) {
    throw new Error(`openssl ${args[0]} failed: ${run.error?.message ?? run.stderr ?? run.stdout}`);
  }
}

/**
 * Makes a throwaway CA and a broker certificate for 127.0.0.1 / localhost in `dir` with `openssl`
 * (nothing is downloaded; the files live as long as the broker's temp dir). Returns the CA's PEM
 * file and the broker's certificate chain and unencrypted PKCS#8 key as PEM text.
 */
export function makeTestCertificates(dir: string): { caFile: string; certChain: string; key: string } {
  writeFileSync(
    join(dir, "ca.cnf"),
    [
      "[req]",
      "distinguished_name=dn",
      "prompt=no",
      "x509_extensions=ca",
      "[dn]",
      "CN=kafka-test-bench-ca",
      "[ca]",
      "basicConstraints=critical,CA:TRUE",
      "keyUsage=critical,keyCertSign,cRLSign",
      "subjectKeyIdentifier=hash",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "broker.ext"),
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "",
    ].join("\n"),
  );
  const rsa = ["-newkey", "rsa:2048", "-nodes"];
  openssl(dir, [
    "req",
    "-x509",
    ...rsa,
    "-config",
    "ca.cnf",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
  ]);
  openssl(dir, [
    "req",
    "-new",
    ...rsa,
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    "broker.key",
    "-out",
    "broker.csr",
  ]);
  openssl(dir, [
    "x509",
    "-req",
    ...["-in", "broker.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"],
    ...["-extfile", "broker.ext", "-days", "2", "-out", "broker.pem"],
  ]);
  return {
    caFile: join(dir, "ca.pem"),
    certChain: readFileSync(join(dir, "broker.pem"), "utf8") + readFileSync(join(dir, "ca.pem"), "utf8"),
    key: readFileSync(join(dir, "broker.key"), "utf8"),
  };
}

/** A Java properties value on one line: a PEM's newlines as `\n` escapes. */
const oneLine = (pem: string) => pem.trim().replaceAll("\n", "\\n");

/**
 * The server.properties lines of the secured listeners: SASL_PLAINTEXT and SASL_SSL with PLAIN
 * (users in the JAAS line) and SCRAM-SHA-256/512 (credentials written into the KRaft metadata by
 * {@link scramFormatArgs}), and SSL with an inline PEM keystore (`ssl.keystore.type=PEM`).
 * https://kafka.apache.org/documentation/#security_sasl_config
 */
export function securedListenerProperties(tls: { certChain: string; key: string }): string[] {
  const { username, password } = TEST_SASL_USER;
  const jaas = {
    PLAIN: `org.apache.kafka.common.security.plain.PlainLoginModule required user_${username}="${password}";`,
    "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
  } as const satisfies Record<(typeof MECHANISMS)[number], string>;
  const lines = [`sasl.enabled.mechanisms=${MECHANISMS.join(",")}`];
  for (const listener of ["sasl_plaintext", "sasl_ssl"]) {
    for (const mechanism of MECHANISMS) {
      lines.push(`listener.name.${listener}.${mechanism.toLowerCase()}.sasl.jaas.config=${jaas[mechanism]}`);
    }
  }
  lines.push(
    "ssl.keystore.type=PEM",
    `ssl.keystore.certificate.chain=${oneLine(tls.certChain)}`,
    `ssl.keystore.key=${oneLine(tls.key)}`,
    "ssl.client.auth=none",
  );
  return lines;
}

/** `kafka-storage format` arguments that create the SCRAM credentials of {@link TEST_SASL_USER}. */
export function scramFormatArgs(): string[] {
  const { username, password } = TEST_SASL_USER;
  return ["SCRAM-SHA-256", "SCRAM-SHA-512"].flatMap((m) => [
    "--add-scram",
    `${m}=[name=${username},password=${password}]`,
  ]);
}
