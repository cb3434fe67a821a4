import { createHmac, createSecretKey, hash, type KeyObject } from "node:crypto";

// Signature Version 4 for the one request shape the lean PutEvents path sends (a POST with a few
// fixed headers and no query), on node:crypto. The SDK's signer (@smithy/signature-v4) is generic: it
// clones the request, sorts and normalizes its headers with regular expressions, hashes through
// async wrappers, hex-encodes in JavaScript, and HMACs the credentials on every call to look up its
// signing key. Here the derived key is kept per day and secret as a KeyObject. In the bench batch this
// took the CPU per record from 0.50x to 0.43x the default client's (docs/performance.md, option (c)).
// Global endpoints (SigV4a) still go through the SDK's signer.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html

/** The credentials of one signature, as the SDK's providers resolve them. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** What to sign: lowercase header names; values without spaces to trim (this path's are). */
export interface SigV4Request {
  readonly method: string;
  /** The canonical URI: the path, each segment URI-encoded twice as for every service but S3. */
  readonly canonicalPath: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The hex SHA-256 of the body, also sent as `x-amz-content-sha256`. */
  readonly payloadHash: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";

/** SigV4 signatures for one region and service, the derived signing key kept per day and secret. */
export class SigV4Signer {
  #key: { readonly day: string; readonly secret: string; readonly key: KeyObject } | undefined;

  constructor(
    private readonly region: string,
    private readonly service: string,
  ) {}

  /**
   * The request's headers with `x-amz-date`, `x-amz-security-token` (when the credentials have a
   * session token) and `authorization` added, signed for `date`.
   */
  sign(request: SigV4Request, credentials: SigningCredentials, date: Date): Record<string, string> {
    // 2026-11-29T20:30:00.123Z -> 20261129T203000Z
    const iso = date.toISOString();
    const longDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
    const day = longDate.slice(0, 8);
    const headers: Record<string, string> = { ...request.headers, "x-amz-date": longDate };
    if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
    const names = Object.keys(headers).sort();
    let canonicalHeaders = "";
    for (let index = 0; index < names.length; index += 1) {
      const name = names[index] as string;
      canonicalHeaders += `${name}:${headers[name]}\n`;
    }
    const signedHeaders = names.join(";");
    const canonicalRequest = `${request.method}\n${request.canonicalPath}\n\n${canonicalHeaders}\n${signedHeaders}\n${request.payloadHash}`;
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${hash("sha256", canonicalRequest, "hex")}`;
    const signature = createHmac("sha256", this.#signingKey(day, credentials.secretAccessKey))
      .update(stringToSign)
      .digest("hex");
    headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  /** HMAC("AWS4" + secret, day) -> region -> service -> "aws4_request", derived once per day and secret. */
  #signingKey(day: string, secret: string): KeyObject {
    if (this.#key?.day === day && this.#key.secret === secret) return this.#key.key;
    let key: Buffer = Buffer.from(`AWS4${secret}`, "utf8");
    for (const part of [day, this.region, this.service, "aws4_request"]) {
      key = createHmac("sha256", key).update(part).digest();
    }
    this.#key = { day, secret, key: createSecretKey(key) };
    return this.#key.key;
  }
}
