import { inflateSync } from "node:zlib";
import type { RegistryFormat } from "../env-names";

/**
 * Which registry a payload's schema lives in, read from its first bytes: a Confluent schema id or an
 * AWS Glue schema version id. The cache key of everything fetched for it.
 */
export type SchemaRef =
  | { readonly registry: "confluent"; readonly id: number }
  | { readonly registry: "glue"; readonly versionId: string };

/** A payload's wire header read, and its body as the codec takes it (zlib already inflated). */
export interface WireFrame {
  readonly schema: SchemaRef;
  readonly body: Buffer;
  /**
   * Which message of a Protobuf schema the body is: Confluent's path of indexes (`[0]` the first
   * top-level message, `[1, 0]` the first nested message of the second). Undefined for other formats.
   */
  readonly messageIndexes?: readonly number[];
  /**
   * Glue's own Protobuf selector: one index into every message of the schema (nested included),
   * sorted by full name. Undefined for other formats and for Confluent.
   */
  readonly glueMessageIndex?: number;
}

/** Why a payload has no usable wire header: always poison, the bytes will never decode. */
export interface WireFormatProblem {
  readonly ok: false;
  readonly code: "InvalidWireFormat";
  readonly expected: string;
}

/**
 * Confluent's wire format: magic byte 0, then the schema id as a 4-byte big-endian integer.
 * https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html#wire-format
 */
const CONFLUENT_MAGIC = 0x00;
const CONFLUENT_HEADER_BYTES = 5;

/**
 * AWS Glue's wire format (awslabs/aws-glue-schema-registry, AWSSchemaRegistryConstants and
 * SerializationDataEncoder): header version byte 3, compression byte (0 none, 5 zlib), the schema version
 * UUID as 16 bytes (most significant long, then least, big-endian), then the (compressed) data.
 */
const GLUE_HEADER_VERSION = 0x03;
const GLUE_COMPRESSION_NONE = 0x00;
const GLUE_COMPRESSION_ZLIB = 0x05;
const GLUE_HEADER_BYTES = 18;
/** An inflated body bigger than this is no Kafka record (the ESM's batch is at most 6 MB): a zip bomb is poison. */
const MAX_INFLATED_BYTES = 64 * 2 ** 20;

const EXPECTED_HEADER =
  "schema-registry bytes: a Confluent header (magic byte 0x00 and a 4-byte schema id) or an AWS Glue header (version byte 0x03, compression 0x00 or 0x05, 16-byte schema version id)";

function problem(expected: string): WireFormatProblem {
  return { ok: false, code: "InvalidWireFormat", expected };
}

function uuidAt(bytes: Buffer, start: number): string {
  const hex = bytes.toString("hex", start, start + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Reads which schema a payload names, from its header alone (no inflation): what `prepare` needs. */
export function readSchemaRef(bytes: Buffer): SchemaRef | WireFormatProblem {
  const first = bytes[0];
  if (first === CONFLUENT_MAGIC) {
    if (bytes.length < CONFLUENT_HEADER_BYTES)
      return problem(`${EXPECTED_HEADER}; got ${bytes.length} bytes, too short for a Confluent header`);
    return { registry: "confluent", id: bytes.readUInt32BE(1) };
  }
  if (first === GLUE_HEADER_VERSION) {
    if (bytes.length < GLUE_HEADER_BYTES)
      return problem(`${EXPECTED_HEADER}; got ${bytes.length} bytes, too short for a Glue header`);
    const compression = bytes[1];
    if (compression !== GLUE_COMPRESSION_NONE && compression !== GLUE_COMPRESSION_ZLIB)
      return problem(`${EXPECTED_HEADER}; got Glue compression byte ${compression}`);
    return { registry: "glue", versionId: uuidAt(bytes, 2) };
  }
  return problem(
    first === undefined ? `${EXPECTED_HEADER}; got no bytes` : `${EXPECTED_HEADER}; got first byte ${first}`,
  );
}

/** An unsigned LEB128 varint of at most 32 bits at `offset`: its value and the offset after it, or undefined. */
function readVarint(bytes: Buffer, offset: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5; i += 1) {
    const byte = bytes[offset + i];
    if (byte === undefined) return undefined;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value > 0xffff_ffff ? undefined : { value, next: offset + i + 1 };
  }
  return undefined;
}

/** Protobuf's zig-zag decoding of a 32-bit value (https://protobuf.dev/programming-guides/encoding/#signed-ints). */
function zigZag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

/** More indexes than this is no real schema's nesting: a corrupt count, not an allocation to make. */
const MAX_MESSAGE_INDEXES = 256;

/**
 * Confluent's Protobuf message-index list after the schema id: a zig-zag varint count, then that many
 * zig-zag varint indexes; a count of 0 (the single byte 0) stands for `[0]`, the first message.
 * https://docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html#wire-format
 */
function readMessageIndexes(
  bytes: Buffer,
  offset: number,
): { indexes: readonly number[]; next: number } | undefined {
  const count = readVarint(bytes, offset);
  if (count === undefined) return undefined;
  const n = zigZag(count.value);
  if (n === 0) return { indexes: [0], next: count.next };
  if (n < 0 || n > MAX_MESSAGE_INDEXES) return undefined;
  const indexes: number[] = [];
  let next = count.next;
  for (let i = 0; i < n; i += 1) {
    const index = readVarint(bytes, next);
    if (index === undefined) return undefined;
    const value = zigZag(index.value);
    if (value < 0) return undefined;
    indexes.push(value);
    next = index.next;
  }
  return { indexes, next };
}

/**
 * Parses a registry payload's wire header and returns its body ready for the codec: the Protobuf
 * message selector read, and a zlib-compressed Glue body inflated. A missing or wrong header, a
 * truncated one, or a body that does not inflate is a {@link WireFormatProblem} (poison).
 */
export function parseWireFrame(bytes: Buffer, format: RegistryFormat): WireFrame | WireFormatProblem {
  const schema = readSchemaRef(bytes);
  if ("ok" in schema) return schema;
  if (schema.registry === "confluent") {
    if (format !== "protobuf") return { schema, body: bytes.subarray(CONFLUENT_HEADER_BYTES) };
    const list = readMessageIndexes(bytes, CONFLUENT_HEADER_BYTES);
    if (list === undefined)
      return problem(
        "a Confluent Protobuf header: magic byte 0x00, a 4-byte schema id, then a message-index list (zig-zag varints)",
      );
    return { schema, body: bytes.subarray(list.next), messageIndexes: list.indexes };
  }
  let body = bytes.subarray(GLUE_HEADER_BYTES);
  if (bytes[1] === GLUE_COMPRESSION_ZLIB) {
    try {
      body = inflateSync(body, { maxOutputLength: MAX_INFLATED_BYTES });
    } catch {
      return problem(
        `an AWS Glue payload with compression byte 0x05 followed by zlib data inflating to at most ${MAX_INFLATED_BYTES} bytes`,
      );
    }
  }
  if (format !== "protobuf") return { schema, body };
  // Glue's Protobuf serializer writes the message's index as one unsigned varint (ProtobufWireFormatEncoder).
  const index = readVarint(body, 0);
  if (index === undefined)
    return problem("an AWS Glue Protobuf payload starting with its message index (an unsigned varint)");
  return { schema, body: body.subarray(index.next), glueMessageIndex: index.value };
}

/** The cache key of a schema: one entry per registry and id. */
export function schemaKey(schema: SchemaRef): string {
  return schema.registry === "confluent" ? `confluent:${schema.id}` : `glue:${schema.versionId}`;
}
