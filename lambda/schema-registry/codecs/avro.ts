import { isUtf8 } from "node:buffer";
import type { Schema, Type, types } from "avsc";
import avsc from "avsc/etc/browser/avsc-types.js";
import { jsonDouble, jsonFloat } from "../../core/java-number";
import { InvalidSchemaError, SchemaMismatchError } from "../codec-error";
import type { Codec, CodecOptions, CodecSchema } from "./codec";
import { hashMapOrder, javaStringHash, utf8BytesHash } from "./java-hash-map";
import { jsonStringOfUtf8 } from "./json-text";

/**
 * Avro payloads rendered as connector v1.6.1 renders them: the Glue `AWSKafkaAvroConverter` turns the
 * Avro datum into Connect data (its `AvroData`, a fork of Confluent's), and the connector writes that
 * with Connect's `JsonConverter` (`schemas.enable=false`) and re-reads it with Jackson:
 * https://github.com/awslabs/aws-glue-schema-registry/blob/master/avro-kafkaconnect-converter/src/main/java/com/amazonaws/services/schemaregistry/kafkaconnect/avrodata/AvroData.java
 * https://github.com/awslabs/eventbridge-kafka-connector/blob/main/src/main/java/software/amazon/event/kafkaconnector/mapping/SinkRecordJsonMapper.java
 * docs/schema-registry.md has the table, one row per type.
 *
 * avsc parses and checks the writer schema (names, namespaces, references); the bytes are then read
 * by a renderer compiled from that schema, straight to JSON text. A generic decode would lose what
 * the rendering needs: float32 vs double, 64-bit longs, whether text is valid UTF-8.
 */

/** Reads one value at `r.pos` and returns its JSON text. */
type Render = (r: Reader) => string;

interface Reader {
  readonly buf: Buffer;
  pos: number;
}

/** Logical types AvroData maps to Connect logical types; others render as their underlying type. */
const LOGICAL_UNDERLYING = {
  decimal: ["bytes", "fixed"],
  date: ["int"],
  "time-millis": ["int"],
  "timestamp-millis": ["long"],
} as const satisfies Record<string, readonly string[]>;
type LogicalName = keyof typeof LOGICAL_UNDERLYING;

/** A logical type kept only as an annotation: avsc validates it, the renderer reads its attributes. */
class Annotated extends avsc.types.LogicalType {
  readonly logicalName: LogicalName;
  readonly scale: number;

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    const attrs = schema as { logicalType: LogicalName; scale?: unknown };
    this.logicalName = attrs.logicalType;
    const allowed: readonly string[] = LOGICAL_UNDERLYING[this.logicalName];
    // Throwing makes avsc fall back to the underlying type, as the Avro spec asks for an invalid one.
    if (!allowed.includes(this.underlyingType.typeName)) throw new Error("not annotating its type");
    // AvroData rejects a decimal without a numeric scale; the Avro spec makes it 0.
    this.scale = typeof attrs.scale === "number" ? attrs.scale : 0;
  }

  protected override _fromValue(value: unknown): unknown {
    return value;
  }

  protected override _toValue(value: unknown): unknown {
    return value;
  }

  protected override _resolve(type: Type): unknown {
    return type === this.underlyingType ? (value: unknown) => value : undefined;
  }
}

const LOGICAL_TYPES = Object.fromEntries(Object.keys(LOGICAL_UNDERLYING).map((name) => [name, Annotated]));

function mismatch(expected: string, at: string): SchemaMismatchError {
  return new SchemaMismatchError(`${expected} at ${at}`);
}

/** An unsigned varint of at most `maxBytes` bytes, as a number while it is below 2^49, else a bigint. */
function readVarint(r: Reader, maxBytes: number, at: string): number | bigint {
  const { buf } = r;
  let pos = r.pos;
  let value = 0;
  let factor = 1;
  for (let i = 0; i < 7; i += 1) {
    const b = buf[pos];
    if (b === undefined) throw mismatch("more bytes (truncated varint)", at);
    pos += 1;
    value += (b & 0x7f) * factor;
    if (b < 0x80) {
      r.pos = pos;
      return value;
    }
    if (i + 1 === maxBytes) throw mismatch(`a varint of at most ${maxBytes} bytes`, at);
    factor *= 128;
  }
  let big = BigInt(value);
  for (let shift = 49n; ; shift += 7n) {
    const b = buf[pos];
    if (b === undefined) throw mismatch("more bytes (truncated varint)", at);
    pos += 1;
    big |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    if (shift >= 7n * BigInt(maxBytes - 1)) throw mismatch(`a varint of at most ${maxBytes} bytes`, at);
  }
  if (big >= 1n << 64n) throw mismatch("a 64-bit long", at);
  r.pos = pos;
  return big;
}

/** Avro `long` (zig-zag varint), exact, as decimal text. */
function readLongText(r: Reader, at: string): string {
  const u = readVarint(r, 10, at);
  if (typeof u === "number") return String(u % 2 === 0 ? u / 2 : -(u + 1) / 2);
  return String((u >> 1n) ^ -(u & 1n));
}

/** Avro `long` used as a count or length: exact and safe, or a mismatch. */
function readLongNumber(r: Reader, at: string): number {
  const u = readVarint(r, 10, at);
  if (typeof u !== "number") throw mismatch("a count or length below 2^48", at);
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

/** Avro `int` (zig-zag varint of at most 5 bytes, 32 bits). */
function readInt(r: Reader, at: string): number {
  const u = readVarint(r, 5, at) as number;
  if (u > 0xffffffff) throw mismatch("a 32-bit int", at);
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

/** The `length` bytes at the reader, which must all be there. */
function take(r: Reader, length: number, at: string): Buffer {
  const end = r.pos + length;
  if (length < 0 || end > r.buf.length) {
    throw mismatch(length < 0 ? "a non-negative length" : `${length} more bytes (truncated)`, at);
  }
  const bytes = r.buf.subarray(r.pos, end);
  r.pos = end;
  return bytes;
}

/** Moves past `length` bytes that must all be there; returns where they start. */
function advance(r: Reader, length: number, at: string): number {
  const start = r.pos;
  if (start + length > r.buf.length) throw mismatch(`${length} more bytes (truncated)`, at);
  r.pos = start + length;
  return start;
}

function readSized(r: Reader, at: string): Buffer {
  return take(r, readLongNumber(r, at), at);
}

function readString(r: Reader, at: string): string {
  const bytes = readSized(r, at);
  if (!isUtf8(bytes)) throw mismatch("UTF-8 text", at);
  return bytes.toString("utf8");
}

/**
 * A decimal's unscaled two's-complement bytes in `BigInteger.toByteArray()` form (the fewest bytes
 * that keep the sign), as `Decimal.fromLogical` gives them to JsonConverter.
 */
function minimalTwosComplement(bytes: Buffer, at: string): Buffer {
  if (bytes.length === 0) throw mismatch("a decimal of at least one byte", at);
  let start = 0;
  while (start + 1 < bytes.length) {
    const b = bytes[start] as number;
    const next = bytes[start + 1] as number;
    if ((b === 0x00 && next < 0x80) || (b === 0xff && next >= 0x80)) start += 1;
    else break;
  }
  return bytes.subarray(start);
}

/** The exact decimal text of unscaled × 10^-scale, with its scale kept (`1.50`). */
function decimalText(bytes: Buffer, scale: number, at: string): string {
  if (bytes.length === 0) throw mismatch("a decimal of at least one byte", at);
  let unscaled = BigInt(`0x${bytes.toString("hex")}`);
  if ((bytes[0] as number) >= 0x80) unscaled -= 1n << BigInt(bytes.length * 8);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 0) return negative ? `-${digits}` : digits;
  const padded = digits.padStart(scale + 1, "0");
  const point = padded.length - scale;
  return `${negative ? "-" : ""}${padded.slice(0, point)}.${padded.slice(point)}`;
}

/** Java's `Schema.Type.getName()` of the underlying Avro type: the union field of a non-named branch. */
function baseTypeName(type: Type): string {
  const base = type instanceof Annotated ? type.underlyingType : type;
  return base.typeName === "error" ? "record" : base.typeName;
}

/** The Connect type a branch converts to: AvroData matches a union value to the first branch of it. */
function connectKind(type: Type): string {
  const name = baseTypeName(type);
  if (name === "enum") return "string";
  if (name === "fixed") return "bytes";
  return name;
}

function simpleName(type: Type): string {
  const full = type.name ?? "";
  return full.slice(full.lastIndexOf(".") + 1);
}

/** AvroData's `unionMemberFieldName`: records and enums by simple name, the rest by Avro type name. */
function unionFieldName(type: Type): string {
  const name = baseTypeName(type);
  return name === "record" || name === "enum" ? simpleName(type) : name;
}

class Compiler {
  private readonly compiled = new Map<Type, Render>();

  constructor(private readonly options: CodecOptions) {}

  compile(type: Type, at: string): Render {
    const known = this.compiled.get(type);
    if (known !== undefined) return known;
    // Recursive schemas: a reference to a record still being compiled goes through this slot.
    let slot: Render | undefined;
    const deferred: Render = (r) => (slot as Render)(r);
    this.compiled.set(type, deferred);
    slot = this.build(type, at);
    this.compiled.set(type, slot);
    return slot;
  }

  private build(type: Type, at: string): Render {
    if (type instanceof Annotated) return this.logical(type, at);
    switch (type.typeName) {
      case "null":
        return () => "null";
      case "boolean":
        return (r) => {
          const b = r.buf[r.pos];
          if (b !== 0 && b !== 1)
            throw mismatch(b === undefined ? "a boolean byte (truncated)" : "a boolean byte 0 or 1", at);
          r.pos += 1;
          return b === 1 ? "true" : "false";
        };
      case "int":
        return (r) => String(readInt(r, at));
      case "long":
        return (r) => readLongText(r, at);
      case "float":
        return (r) => jsonFloat(r.buf.readFloatLE(advance(r, 4, at)));
      case "double":
        return (r) => jsonDouble(r.buf.readDoubleLE(advance(r, 8, at)));
      case "bytes":
        return (r) => `"${readSized(r, at).toString("base64")}"`;
      case "string":
        return (r) => jsonStringOfUtf8(readSized(r, at), at);
      case "fixed": {
        const size = (type as types.FixedType).size;
        return (r) => `"${take(r, size, at).toString("base64")}"`;
      }
      case "enum": {
        const symbols = (type as types.EnumType).symbols.map((symbol) => JSON.stringify(symbol));
        return (r) => {
          const index = readInt(r, at);
          const symbol = symbols[index];
          if (symbol === undefined) throw mismatch(`an enum index below ${symbols.length}`, at);
          return symbol;
        };
      }
      case "array":
        return this.array(type as types.ArrayType, at);
      case "map":
        return this.map(type as types.MapType, at);
      case "record":
      case "error":
        return this.record(type as types.RecordType, at);
      default:
        if (type.typeName.startsWith("union")) return this.union(type as types.UnwrappedUnionType, at);
        throw new InvalidSchemaError(`unsupported Avro type ${type.typeName} at ${at}`);
    }
  }

  private logical(type: Annotated, at: string): Render {
    switch (type.logicalName) {
      case "decimal": {
        const underlying = type.underlyingType;
        const size = underlying.typeName === "fixed" ? (underlying as types.FixedType).size : undefined;
        const read = (r: Reader): Buffer => (size === undefined ? readSized(r, at) : take(r, size, at));
        const { scale } = type;
        return this.options.decimalFormat === "numeric"
          ? (r) => decimalText(read(r), scale, at)
          : (r) => `"${minimalTwosComplement(read(r), at).toString("base64")}"`;
      }
      case "time-millis":
        // Connect's Time.toLogical rejects a time outside one day.
        return (r) => {
          const millis = readInt(r, at);
          if (millis < 0 || millis > 86_400_000) throw mismatch("a time-millis within one day", at);
          return String(millis);
        };
      case "date":
        return (r) => String(readInt(r, at));
      case "timestamp-millis":
        return (r) => readLongText(r, at);
    }
  }

  /** Blocks of items: a count, negated when followed by the block's byte size, until a zero count. */
  private blocks(r: Reader, at: string, zeroWidth: boolean, item: (r: Reader) => void): number {
    let first = -1;
    for (;;) {
      let count = readLongNumber(r, at);
      if (count === 0) return Math.max(first, 0);
      if (count < 0) {
        count = -count;
        readLongNumber(r, at);
      }
      // Each item takes at least a byte unless its type takes none: a count can not outrun the payload.
      if (count > (zeroWidth ? MAX_ZERO_WIDTH_ITEMS : r.buf.length - r.pos)) {
        throw mismatch(`a block count within the payload (${count} items)`, at);
      }
      if (first < 0) first = count;
      for (let i = 0; i < count; i += 1) item(r);
    }
  }

  private array(type: types.ArrayType, at: string): Render {
    const items = this.compile(type.itemsType, `${at}[]`);
    const zeroWidth = isZeroWidth(type.itemsType);
    return (r) => {
      let json = "";
      this.blocks(r, at, zeroWidth, (reader) => {
        json += json === "" ? items(reader) : `,${items(reader)}`;
      });
      return `[${json}]`;
    };
  }

  private map(type: types.MapType, at: string): Render {
    const values = this.compile(type.valuesType as Type, `${at}{}`);
    return (r) => {
      const keys: string[] = [];
      const texts: string[] = [];
      const firstBlock = this.blocks(r, at, false, (reader) => {
        keys.push(readString(reader, at));
        texts.push(values(reader));
      });
      if (keys.length === 0) return "{}";
      // Avro's reader fills a HashMap sized by the first block (Utf8 keys), AvroData copies it into one
      // sized by the entry count (String keys); JsonConverter writes the copy in its iteration order.
      const read = hashMapOrder(keys, firstBlock, utf8BytesHash);
      const order = hashMapOrder(
        read.map((i) => keys[i] as string),
        read.length,
        javaStringHash,
      ).map((i) => read[i] as number);
      let json = "";
      for (const i of order) json += `${json === "" ? "" : ","}${JSON.stringify(keys[i])}:${texts[i]}`;
      return `{${json}}`;
    };
  }

  private record(type: types.RecordType, at: string): Render {
    const fields = type.fields.map((field) => ({
      prefix: `${JSON.stringify(field.name)}:`,
      render: this.compile(field.type, `${at}.${field.name}`),
    }));
    return (r) => {
      let json = "{";
      for (let i = 0; i < fields.length; i += 1) {
        const field = fields[i] as (typeof fields)[number];
        json += `${i === 0 ? "" : ","}${field.prefix}${field.render(r)}`;
      }
      return `${json}}`;
    };
  }

  /**
   * `["null", X]` is X made optional. Any other union is a Connect struct with one optional field per
   * non-null branch (named by `unionFieldName`), the active one set; JsonConverter writes all of them.
   * Which field a value lands in follows AvroData: the first branch of the value's Connect type
   * (a string value fills an enum branch listed before `"string"`; bytes and fixed values fill the
   * field named "bytes"). Where AvroData fails the record (an enum value, a fixed value with no bytes
   * branch) the value goes to its own branch's field instead.
   */
  private union(type: types.UnwrappedUnionType, at: string): Render {
    const branches = type.types;
    const renders = branches.map((branch, i) => this.compile(branch, `${at}<${i}>`));
    const isNull = branches.map((branch) => branch.typeName === "null");
    const readIndex = (r: Reader): number => {
      const index = readLongNumber(r, at);
      if (index < 0 || index >= branches.length) throw mismatch(`a union index below ${branches.length}`, at);
      return index;
    };
    if (branches.length === 2 && isNull.includes(true)) {
      return (r) => {
        const index = readIndex(r);
        return isNull[index] ? "null" : (renders[index] as Render)(r);
      };
    }
    const fields: string[] = [];
    for (const branch of branches) {
      if (branch.typeName === "null") continue;
      const name = unionFieldName(branch);
      if (fields.includes(name)) {
        throw new InvalidSchemaError(
          `union at ${at} has two branches that map to the Connect field "${name}" (the connector rejects it too)`,
        );
      }
      fields.push(name);
    }
    const slotOf = branches.map((branch) => {
      const kind = connectKind(branch);
      const own = fields.indexOf(unionFieldName(branch));
      if (branch.typeName === "null") return -1;
      if (kind === "bytes") return fields.includes("bytes") ? fields.indexOf("bytes") : own;
      if (kind === "string" && baseTypeName(branch) === "string") {
        const first = branches.find((other) => connectKind(other) === "string") as Type;
        return fields.indexOf(unionFieldName(first));
      }
      return own;
    });
    const prefixes = fields.map((name, i) => `${i === 0 ? "" : ","}${JSON.stringify(name)}:`);
    return (r) => {
      const index = readIndex(r);
      if (isNull[index]) return "null";
      const slot = slotOf[index] as number;
      const value = (renders[index] as Render)(r);
      let json = "{";
      for (let i = 0; i < prefixes.length; i += 1) json += `${prefixes[i]}${i === slot ? value : "null"}`;
      return `${json}}`;
    };
  }
}

/** A cap on items of a type that takes no bytes (`null`, an empty record): a count can not be checked. */
const MAX_ZERO_WIDTH_ITEMS = 1_000_000;

function isZeroWidth(type: Type, seen = new Set<Type>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  if (type.typeName === "null") return true;
  if (type.typeName === "fixed") return (type as types.FixedType).size === 0;
  if (type.typeName === "record" || type.typeName === "error") {
    return (type as types.RecordType).fields.every((field) => isZeroWidth(field.type, seen));
  }
  return false;
}

function parseJson(text: string, what: string): Schema {
  try {
    return JSON.parse(text) as Schema;
  } catch (cause) {
    throw new InvalidSchemaError(`${what} is not JSON`, { cause });
  }
}

/**
 * Parses the writer schema with avsc, the referenced schemas first (each may use the others, so they
 * are retried until all parse), into one registry of named types.
 */
function parseSchema(schema: CodecSchema): Type {
  const registry: Record<string, Type> = {};
  const options = { registry, logicalTypes: LOGICAL_TYPES, wrapUnions: true };
  let pending = [...schema.references];
  while (pending.length > 0) {
    const failed: [string, string][] = [];
    let lastError: unknown;
    for (const [name, text] of pending) {
      // A failed parse leaves its names half-registered: parse into a copy, keep it on success.
      const attempt = { ...registry };
      try {
        avsc.Type.forSchema(parseJson(text, `reference ${name}`), { ...options, registry: attempt });
        Object.assign(registry, attempt);
      } catch (cause) {
        if (cause instanceof InvalidSchemaError) throw cause;
        failed.push([name, text]);
        lastError = cause;
      }
    }
    if (failed.length === pending.length) {
      throw new InvalidSchemaError(
        `references ${failed.map(([name]) => name).join(", ")} do not parse: ${(lastError as Error).message}`,
        { cause: lastError },
      );
    }
    pending = failed;
  }
  try {
    return avsc.Type.forSchema(parseJson(schema.text, "the schema"), options);
  } catch (cause) {
    throw new InvalidSchemaError((cause as Error).message, { cause });
  }
}

/**
 * Compiles an Avro writer schema (JSON text; named types it uses may come from `references`) into a
 * renderer of its payloads as the connector's JSON. Throws `InvalidSchemaError` for a schema that does
 * not parse; `render` throws `SchemaMismatchError` for bytes that do not match it.
 */
export function compile(schema: CodecSchema, options: CodecOptions): Codec {
  const root = new Compiler(options).compile(parseSchema(schema), "$");
  return {
    render(payload: Buffer): string {
      const reader: Reader = { buf: payload, pos: 0 };
      const json = root(reader);
      if (reader.pos !== payload.length) {
        throw new SchemaMismatchError(`the datum to end at byte ${reader.pos}, not ${payload.length}`);
      }
      return json;
    },
  };
}
