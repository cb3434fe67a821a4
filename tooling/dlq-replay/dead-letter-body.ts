import type { DeadLetterBody } from "../../lambda/core/dead-letter-message";
import {
  type KafkaHeader,
  type KafkaRecord,
  TIMESTAMP_TYPES,
  type TimestampType,
} from "../../lambda/core/kafka-event";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const optionalBase64 = (value: unknown) =>
  value === null || (typeof value === "string" && BASE64.test(value));

/** What the message of a dead letter kept in the claim-check bucket holds: its record's coordinates. */
export interface ClaimCheckedDeadLetter {
  /** The S3 object ARN of the body whole. */
  readonly dataref: string;
  readonly topic: unknown;
  readonly partition: unknown;
  readonly offset: unknown;
}

/**
 * Reads the body of a dead-letter message (README "Dead-letter messages", `DeadLetterBody`). Returns
 * the body; for a message whose body went to the claim-check bucket because it would have exceeded
 * SQS's 1 MiB (SPEC §5), what the message keeps of it; otherwise a sentence saying what is not as
 * expected.
 */
export function parseDeadLetterBody(text: string): DeadLetterBody | ClaimCheckedDeadLetter | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (!isObject(body)) return "not a JSON object";
  if (body.version !== 1) return `version ${JSON.stringify(body.version)}, expected 1`;
  if (typeof body.dataref === "string") {
    return { dataref: body.dataref, topic: body.topic, partition: body.partition, offset: body.offset };
  }
  if (typeof body.topic !== "string" || body.topic === "") return "no topic";
  // A field the record had malformed is null here and kept as it came in `malformedFields`.
  const malformed = isObject(body.malformedFields) ? body.malformedFields : {};
  const given = (field: string) => !(field in malformed) || body[field] !== null;
  for (const field of ["partition", "offset", "timestamp"] as const) {
    const value = body[field];
    if (!given(field)) continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || (field !== "timestamp" && value < 0)) {
      return `${field} is not a non-negative integer`;
    }
  }
  if (given("timestampType") && !TIMESTAMP_TYPES.includes(body.timestampType as TimestampType))
    return "timestampType is not a Kafka timestamp type";
  if (given("key") && !optionalBase64(body.key)) return "key is not base64 or null";
  if (given("value") && !optionalBase64(body.value)) return "value is not base64 or null";
  if (
    given("headers") &&
    (!Array.isArray(body.headers) ||
      !body.headers.every((header) => isObject(header) && Object.values(header).every(optionalBase64)))
  ) {
    return "headers are not [{ name: base64 | null }]";
  }
  if (typeof body.errorCode !== "string") return "no errorCode";
  return body as unknown as DeadLetterBody;
}

/** Header bytes as the ESM sends them: Java signed bytes. */
function signedBytes(base64: string): number[] {
  return Array.from(new Int8Array(Buffer.from(base64, "base64")));
}

/**
 * The Kafka ESM record the dead letter was made from, byte for byte. Fields the record had malformed
 * come back as they came (`malformedFields`), so the function judges them again.
 */
export function recordOfDeadLetter(body: DeadLetterBody): KafkaRecord {
  const headers: KafkaHeader[] | null =
    body.headers?.flatMap((header) =>
      Object.entries(header).map(([name, value]) => ({ [name]: value === null ? null : signedBytes(value) })),
    ) ?? null;
  const record = {
    topic: body.topic,
    partition: body.partition,
    offset: body.offset,
    timestamp: body.timestamp,
    timestampType: body.timestampType,
    key: body.key,
    value: body.value,
    headers,
    ...body.malformedFields,
  };
  return record as KafkaRecord;
}
