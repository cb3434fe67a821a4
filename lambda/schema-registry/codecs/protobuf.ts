import { isUtf8 } from "node:buffer";
import {
  common,
  Enum,
  type Field,
  type FieldBase,
  MapField,
  Namespace,
  parse,
  Reader,
  Root,
  Type,
} from "protobufjs";
import type { DecimalFormat } from "../../env-names";
import { InvalidSchemaError, SchemaMismatchError } from "../codec-error";
import type { Codec, CodecOptions, CodecSchema } from "./codec";
import { hashMapOrder, javaStringHash } from "./java-hash-map";
import { jsonDouble, jsonFloat } from "./java-number";

/**
 * Protobuf payloads rendered as Kafka Connect renders them with Confluent's `ProtobufConverter`
 * (default settings) followed by the connector's `JsonConverter`, so a topic moved from a Connect
 * pipeline keeps its events. That rendering is known from the converter's source:
 * https://github.com/confluentinc/schema-registry/blob/master/protobuf-converter/src/main/java/io/confluent/connect/protobuf/ProtobufData.java
 * It differs from the canonical proto3 JSON mapping (field names as declared, not lowerCamel; 64-bit
 * integers as numbers, not strings; Timestamp as epoch milliseconds; every field present). The table,
 * one row per type, is in docs/schema-registry.md.
 *
 * protobufjs parses the schema text and reads the wire primitives; the walk over the fields (presence,
 * oneofs, merging a repeated singular message, unknown fields skipped) follows protobuf-java, which the
 * converter runs.
 */

/** Small files Confluent's serializers resolve without a reference (protobufjs bundles google/protobuf/*). */
const BUNDLED_IMPORTS: Readonly<Record<string, string>> = {
  "google/type/date.proto": `syntax = "proto3"; package google.type;
    message Date { int32 year = 1; int32 month = 2; int32 day = 3; }`,
  "google/type/timeofday.proto": `syntax = "proto3"; package google.type;
    message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }`,
  "confluent/type/decimal.proto": `syntax = "proto3"; package confluent.type;
    message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }`,
  "confluent/meta.proto": `syntax = "proto3"; package confluent;
    import "google/protobuf/descriptor.proto";
    message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; }
    extend google.protobuf.FileOptions { Meta file_meta = 1088; }
    extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
    extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
    extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
    extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }`,
  "google/protobuf/descriptor.proto": `syntax = "proto2"; package google.protobuf;
    message FileOptions { extensions 1000 to max; } message MessageOptions { extensions 1000 to max; }
    message FieldOptions { extensions 1000 to max; } message EnumOptions { extensions 1000 to max; }
    message EnumValueOptions { extensions 1000 to max; }`,
};

type CommonFiles = Record<string, { nested?: Parameters<Root["addJSON"]>[0] } | undefined>;

/** Parses a file and, after `parsed` has looked at the root, the files it imports, depth first. */
function addFile(
  root: Root,
  name: string,
  text: string,
  references: ReadonlyMap<string, string>,
  done: Set<string>,
  parsed: (pkg: string | undefined) => void = () => {},
): void {
  done.add(name);
  let imports: string[];
  let pkg: string | undefined;
  try {
    const result = parse(text, root, { keepCase: true });
    imports = [...(result.imports ?? []), ...(result.weakImports ?? [])];
    pkg = result.package;
  } catch (cause) {
    throw new InvalidSchemaError(`${name} does not parse: ${(cause as Error).message}`, { cause });
  }
  parsed(pkg);
  for (const path of imports) {
    if (done.has(path)) continue;
    const referenced = references.get(path) ?? BUNDLED_IMPORTS[path];
    if (referenced !== undefined) {
      addFile(root, path, referenced, references, done);
      continue;
    }
    const bundled = (common as unknown as CommonFiles)[path];
    if (bundled?.nested === undefined) {
      throw new InvalidSchemaError(`import "${path}" of ${name} is not among the schema's references`);
    }
    done.add(path);
    root.addJSON(bundled.nested);
  }
}

/** The messages declared at the top of a file's package, in declaration order (Confluent's first index). */
function topLevelMessages(root: Root, pkg: string | undefined): Type[] {
  const scope = pkg === undefined ? root : root.lookup(pkg);
  if (!(scope instanceof Namespace)) return [];
  return scope.nestedArray.filter((nested): nested is Type => nested instanceof Type);
}

/** Decoded field values by field id: scalars as rendered JSON text, messages as nested maps. */
type Decoded = Map<number, Value>;
type Value = string | Decoded | Value[] | MapEntries;
interface MapEntries {
  readonly entries: [key: string, value: Value][];
}

/** Wire type each scalar field is written with (protobuf encoding guide). */
const WIRE: Readonly<Record<string, number>> = {
  double: 1,
  fixed64: 1,
  sfixed64: 1,
  float: 5,
  fixed32: 5,
  sfixed32: 5,
  string: 2,
  bytes: 2,
};

function wireTypeOf(field: FieldBase): number {
  if (field.resolvedType instanceof Type) return 2;
  return WIRE[field.type] ?? 0;
}

interface Features {
  readonly _features?: { readonly enum_type?: string };
}

/** The JSON text of one scalar read from the wire, as Connect's JsonConverter writes it. */
function readScalar(reader: Reader, field: FieldBase, at: string): string | undefined {
  switch (field.type) {
    case "int32":
    case "sfixed32":
      return String(field.type === "int32" ? reader.int32() : reader.sfixed32());
    case "sint32":
      return String(reader.sint32());
    case "uint32":
      return String(reader.uint32());
    case "fixed32":
      return String(reader.fixed32());
    // Connect has no unsigned 64-bit type: uint64 and fixed64 are Java longs, so ≥ 2^63 reads negative.
    case "int64":
    case "uint64":
      return reader.int64().toString();
    case "sint64":
      return reader.sint64().toString();
    case "fixed64":
    case "sfixed64":
      return reader.sfixed64().toString();
    case "float":
      return jsonFloat(reader.float());
    case "double":
      return jsonDouble(reader.double());
    case "bool":
      return reader.bool() ? "true" : "false";
    case "string": {
      const bytes = reader.bytes();
      if (!isUtf8(bytes)) throw new SchemaMismatchError(`UTF-8 text at ${at}`);
      return JSON.stringify(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8"));
    }
    case "bytes": {
      const bytes = reader.bytes();
      return `"${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64")}"`;
    }
    default: {
      const type = field.resolvedType;
      if (!(type instanceof Enum)) throw new InvalidSchemaError(`unresolved type ${field.type} at ${at}`);
      const number = reader.int32();
      const name = type.valuesById[number];
      if (name !== undefined) return JSON.stringify(name);
      // A closed (proto2) enum keeps an unknown number among unknown fields: the field stays unset.
      if ((type as Features)._features?.enum_type === "CLOSED") return undefined;
      // protobuf-java's EnumDescriptor.findValueByNumberCreatingIfUnknown names an unknown number so.
      return JSON.stringify(`UNKNOWN_ENUM_VALUE_${type.name}_${number}`);
    }
  }
}

/** Reads one message's fields up to `end` into `into` (merging, as a repeated singular message merges). */
function readMessage(reader: Reader, end: number, type: Type, into: Decoded, at: string): Decoded {
  while (reader.pos < end) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    const field = type.fieldsById[id];
    if (field === undefined || id === 0) {
      reader.skipType(wireType);
      continue;
    }
    const path = `${at}.${field.name}`;
    const mapField = asMapField(field);
    if (mapField !== undefined) {
      if (wireType !== 2) {
        reader.skipType(wireType);
        continue;
      }
      const entries = (into.get(id) as MapEntries | undefined) ?? { entries: [] };
      into.set(id, entries);
      entries.entries.push(readMapEntry(reader, mapField, path));
      continue;
    }
    const expected = wireTypeOf(field);
    const packed = field.repeated && wireType === 2 && expected !== 2;
    if (wireType !== expected && !packed) {
      // protobuf-java parses a known field with another wire type as an unknown field.
      reader.skipType(wireType);
      continue;
    }
    if (field.resolvedType instanceof Type) {
      const length = reader.uint32();
      const fieldEnd = reader.pos + length;
      if (fieldEnd > end) throw new SchemaMismatchError(`${length} more bytes at ${path} (truncated)`);
      if (field.repeated) {
        const list = (into.get(id) as Value[] | undefined) ?? [];
        into.set(id, list);
        list.push(readMessage(reader, fieldEnd, field.resolvedType, new Map(), path));
      } else {
        const existing = into.get(id);
        clearOneof(into, field);
        into.set(
          id,
          readMessage(
            reader,
            fieldEnd,
            field.resolvedType,
            existing instanceof Map ? existing : new Map(),
            path,
          ),
        );
      }
      continue;
    }
    if (field.repeated) {
      const list = (into.get(id) as Value[] | undefined) ?? [];
      into.set(id, list);
      if (packed) {
        const packedEnd = reader.uint32() + reader.pos;
        if (packedEnd > end) throw new SchemaMismatchError(`more bytes at ${path} (truncated)`);
        while (reader.pos < packedEnd) {
          const value = readScalar(reader, field, path);
          if (value !== undefined) list.push(value);
        }
      } else {
        const value = readScalar(reader, field, path);
        if (value !== undefined) list.push(value);
      }
      continue;
    }
    const value = readScalar(reader, field, path);
    if (value === undefined) continue;
    clearOneof(into, field);
    into.set(id, value);
  }
  if (reader.pos !== end) throw new SchemaMismatchError(`the message at ${at} to end at byte ${end}`);
  return into;
}

function asMapField(field: FieldBase): MapField | undefined {
  return field instanceof MapField ? field : undefined;
}

/** Setting a oneof member clears the others. */
function clearOneof(into: Decoded, field: Field): void {
  const oneof = field.partOf;
  if (oneof === null) return;
  for (const member of oneof.fieldsArray) if (member !== field) into.delete(member.id);
}

function readMapEntry(reader: Reader, field: MapField, at: string): [string, Value] {
  const end = reader.uint32() + reader.pos;
  const keyField = { type: field.keyType, resolvedType: null } as unknown as FieldBase;
  let key: string | undefined;
  let value: Value | undefined;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    if (id === 1 && (tag & 7) === wireTypeOf(keyField)) key = readScalar(reader, keyField, `${at}{key}`);
    else if (id === 2 && (tag & 7) === wireTypeOf(field)) {
      if (field.resolvedType instanceof Type) {
        const length = reader.uint32();
        value = readMessage(reader, reader.pos + length, field.resolvedType, new Map(), `${at}{}`);
      } else value = readScalar(reader, field, `${at}{}`);
    } else reader.skipType(tag & 7);
  }
  if (reader.pos !== end) throw new SchemaMismatchError(`the map entry at ${at} to end at byte ${end}`);
  return [key ?? defaultScalar(keyField), value ?? defaultOf(field)];
}

/** The value protobuf-java's getField returns for an unset scalar: the declared default, else zero. */
function defaultScalar(field: FieldBase): string {
  const declared = (field.options as { default?: unknown } | undefined)?.default;
  const type = field.resolvedType;
  if (type instanceof Enum) {
    const name = typeof declared === "string" ? declared : Object.keys(type.values)[0];
    return JSON.stringify(name ?? "");
  }
  switch (field.type) {
    case "string":
      return JSON.stringify(typeof declared === "string" ? declared : "");
    case "bytes":
      return typeof declared === "string"
        ? JSON.stringify(Buffer.from(declared, "latin1").toString("base64"))
        : '""';
    case "bool":
      return declared === true ? "true" : "false";
    case "float":
      return jsonFloat(Math.fround(typeof declared === "number" ? declared : 0));
    case "double":
      return jsonDouble(typeof declared === "number" ? declared : 0);
    default:
      return typeof declared === "number" || typeof declared === "string" ? String(declared) : "0";
  }
}

function defaultOf(field: FieldBase): Value {
  return field.resolvedType instanceof Type ? new Map() : defaultScalar(field);
}

/** Java hash of a map key as Connect holds it (Integer, Long, Boolean, String), for the HashMap order. */
function keyHash(keyType: string): (key: string) => number {
  switch (keyType) {
    case "string":
      return (key) => javaStringHash(JSON.parse(key) as string);
    case "bool":
      return (key) => (key === "true" ? 1231 : 1237);
    case "int32":
    case "sint32":
    case "sfixed32":
      return (key) => Number(key) | 0;
    default:
      // Long.hashCode: (int) (value ^ (value >>> 32))
      return (key) => {
        const value = BigInt.asUintN(64, BigInt(key));
        return Number(BigInt.asIntN(32, value ^ (value >> 32n)));
      };
  }
}

const MILLIS_PER_DAY = 86_400_000;

/** Whether the message type is one ProtobufData turns into a Connect logical type. */
const LOGICAL_MESSAGES = new Set([
  "google.protobuf.Timestamp",
  "google.type.Date",
  "google.type.TimeOfDay",
  "confluent.type.Decimal",
]);

function intField(decoded: Decoded, type: Type, name: string): bigint {
  const field = type.fields[name];
  const text = field === undefined ? undefined : decoded.get(field.id);
  return typeof text === "string" ? BigInt(text) : 0n;
}

class Renderer {
  constructor(private readonly decimalFormat: DecimalFormat) {}

  message(type: Type, decoded: Decoded, at: string): string {
    const logical = LOGICAL_MESSAGES.has(type.fullName.slice(1))
      ? this.logical(type, decoded, at)
      : undefined;
    if (logical !== undefined) return logical;
    let json = "";
    const append = (name: string, value: string): void => {
      json += `${json === "" ? "" : ","}${JSON.stringify(name)}:${value}`;
    };
    // Real oneofs first, each as a struct named <oneof>_<index> (generate.index.for.unions, default true).
    const realOneofs = type.oneofsArray.filter(
      (oneof) => !oneof.fieldsArray.every((member) => member.options?.proto3_optional === true),
    );
    realOneofs.forEach((oneof, index) => {
      const set = oneof.fieldsArray.find((member) => decoded.has(member.id));
      if (set === undefined) {
        append(`${oneof.name}_${index}`, "null");
        return;
      }
      let inner = "";
      for (const member of oneof.fieldsArray) {
        const value =
          member === set ? this.field(member, decoded.get(member.id), `${at}.${member.name}`) : "null";
        inner += `${inner === "" ? "" : ","}${JSON.stringify(member.name)}:${value}`;
      }
      append(`${oneof.name}_${index}`, `{${inner}}`);
    });
    for (const field of type.fieldsArray) {
      if (field.partOf !== null && realOneofs.includes(field.partOf)) continue;
      append(field.name, this.field(field, decoded.get(field.id), `${at}.${field.name}`));
    }
    return `{${json}}`;
  }

  /** A field's JSON: its value, or for an unset one what ProtobufData puts in the Connect struct. */
  private field(field: Field, value: Value | undefined, at: string): string {
    const mapField = asMapField(field);
    if (mapField !== undefined) return this.map(mapField, value as MapEntries | undefined, at);
    const type = field.resolvedType;
    if (field.repeated) {
      const items = (value as Value[] | undefined) ?? [];
      return `[${items.map((item) => (type instanceof Type ? this.message(type, item as Decoded, at) : item)).join(",")}]`;
    }
    if (value === undefined) {
      // Messages and fields with explicit presence (proto3 `optional`, proto2 `optional`) are null when
      // unset; other scalars, and proto2 `required`, carry their default.
      if (type instanceof Type) return "null";
      if (field.hasPresence && !field.required) return "null";
      return defaultScalar(field);
    }
    return type instanceof Type ? this.message(type, value as Decoded, at) : (value as string);
  }

  /**
   * Connect holds a map as a HashMap; JsonConverter writes string keys as an object and other keys as
   * an array of [key, value] pairs, both in the HashMap's iteration order. A repeated key keeps its
   * last value.
   */
  private map(field: MapField, value: MapEntries | undefined, at: string): string {
    const entries = value?.entries ?? [];
    const type = field.resolvedType;
    const keys = entries.map(([key]) => key);
    const order = hashMapOrder(keys, 16, keyHash(field.keyType));
    const render = (i: number): [string, string] => {
      const [key, item] = entries[i] as [string, Value];
      return [key, type instanceof Type ? this.message(type, item as Decoded, `${at}{}`) : (item as string)];
    };
    if (field.keyType === "string") {
      return `{${order.map((i) => render(i).join(":")).join(",")}}`;
    }
    return `[${order.map((i) => `[${render(i).join(",")}]`).join(",")}]`;
  }

  /** Timestamp, Date, TimeOfDay and Decimal, which Connect renders as its logical types. */
  private logical(type: Type, decoded: Decoded, at: string): string {
    switch (type.fullName) {
      case ".google.protobuf.Timestamp": {
        // Timestamps.toMillis checks the range (0001-01-01 to 9999-12-31) and drops sub-millisecond nanos.
        const seconds = intField(decoded, type, "seconds");
        const nanos = intField(decoded, type, "nanos");
        if (seconds < -62_135_596_800n || seconds > 253_402_300_799n || nanos < 0n || nanos > 999_999_999n) {
          throw new SchemaMismatchError(`a Timestamp within 0001-01-01 and 9999-12-31 at ${at}`);
        }
        return String(seconds * 1000n + nanos / 1_000_000n);
      }
      case ".google.type.Date": {
        const [year, month, day] = ["year", "month", "day"].map((name) =>
          Number(intField(decoded, type, name)),
        );
        const millis = Date.UTC(year as number, (month as number) - 1, day as number);
        const check = new Date(millis);
        if (
          year === 0 ||
          check.getUTCFullYear() !== year ||
          check.getUTCMonth() !== (month as number) - 1 ||
          check.getUTCDate() !== day
        ) {
          throw new SchemaMismatchError(`a valid calendar Date at ${at}`);
        }
        return String(Math.floor(millis / MILLIS_PER_DAY));
      }
      case ".google.type.TimeOfDay": {
        const [hours, minutes, seconds, nanos] = ["hours", "minutes", "seconds", "nanos"].map((name) =>
          Number(intField(decoded, type, name)),
        ) as [number, number, number, number];
        if (
          hours > 23 ||
          minutes > 59 ||
          seconds > 59 ||
          nanos > 999_999_999 ||
          Math.min(hours, minutes, seconds, nanos) < 0
        ) {
          throw new SchemaMismatchError(`a valid TimeOfDay at ${at}`);
        }
        return String(((hours * 60 + minutes) * 60 + seconds) * 1000 + Math.floor(nanos / 1_000_000));
      }
      default: {
        // confluent.type.Decimal: unscaled big-endian two's complement in `value`, with its `scale`.
        const field = type.fields.value as Field;
        const text = decoded.get(field.id);
        const bytes = Buffer.from(typeof text === "string" ? (JSON.parse(text) as string) : "", "base64");
        if (bytes.length === 0) throw new SchemaMismatchError(`a Decimal of at least one byte at ${at}`);
        const scale = Number(intField(decoded, type, "scale"));
        if (this.decimalFormat === "numeric") return decimalText(bytes, scale);
        let start = 0;
        while (
          start + 1 < bytes.length &&
          ((bytes[start] === 0 && (bytes[start + 1] as number) < 0x80) ||
            (bytes[start] === 0xff && (bytes[start + 1] as number) >= 0x80))
        ) {
          start += 1;
        }
        return `"${bytes.subarray(start).toString("base64")}"`;
      }
    }
  }
}

function decimalText(bytes: Buffer, scale: number): string {
  let unscaled = BigInt(`0x${bytes.toString("hex")}`);
  if ((bytes[0] as number) >= 0x80) unscaled -= 1n << BigInt(bytes.length * 8);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return `${negative ? "-" : ""}${digits}${"0".repeat(-scale)}`;
  const padded = digits.padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** Wrapper messages Connect unwraps when they are the whole value (wrapper.for.raw.primitives, default true). */
const WRAPPERS = new Set(
  ["Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes"].map(
    (name) => `.google.protobuf.${name}Value`,
  ),
);

/**
 * Compiles a .proto schema (imports resolved from `references` by import path; google/protobuf/*,
 * google/type/date and timeofday, confluent/meta and confluent/type/decimal are bundled) into a
 * renderer of its payloads. `render` selects the message by Confluent's message-index list
 * (`[0]`, the first message, when absent or empty) and throws `SchemaMismatchError` for bytes that
 * do not match it.
 */
export function compile(schema: CodecSchema, options: CodecOptions): Codec {
  const root = new Root();
  // The schema's own top-level messages, before imports of the same package join its namespace.
  let messages: Type[] = [];
  addFile(root, "the schema", schema.text, schema.references, new Set(), (pkg) => {
    messages = topLevelMessages(root, pkg);
  });
  try {
    root.resolveAll();
  } catch (cause) {
    throw new InvalidSchemaError((cause as Error).message, { cause });
  }
  if (messages.length === 0) throw new InvalidSchemaError("the schema declares no message");
  const renderer = new Renderer(options.decimalFormat);
  const byIndexes = new Map<string, Type>();

  const select = (indexes: readonly number[]): Type => {
    const key = indexes.join(",");
    const known = byIndexes.get(key);
    if (known !== undefined) return known;
    let candidates = messages;
    let type: Type | undefined;
    for (const index of indexes) {
      type = candidates[index];
      if (type === undefined) {
        throw new SchemaMismatchError(`message indexes [${key}] to name a message of the schema`);
      }
      candidates = type.nestedArray.filter((nested): nested is Type => nested instanceof Type);
    }
    byIndexes.set(key, type as Type);
    return type as Type;
  };

  return {
    render(payload: Buffer, messageIndexes?: readonly number[]): string {
      const type = select(messageIndexes === undefined || messageIndexes.length === 0 ? [0] : messageIndexes);
      let decoded: Decoded;
      try {
        decoded = readMessage(Reader.create(payload), payload.length, type, new Map(), type.name);
      } catch (error) {
        if (error instanceof SchemaMismatchError || error instanceof InvalidSchemaError) throw error;
        // protobufjs's reader: "index out of range" (truncated), "invalid wire type", bad varints.
        throw new SchemaMismatchError(`a ${type.name} message (${(error as Error).message})`, {
          cause: error,
        });
      }
      if (WRAPPERS.has(type.fullName)) {
        const field = type.fields.value as Field;
        const value = decoded.get(field.id);
        return typeof value === "string" ? value : defaultScalar(field);
      }
      for (const field of type.fieldsArray) {
        if (field.required && !decoded.has(field.id)) {
          throw new SchemaMismatchError(`required field ${field.name} of ${type.name}`);
        }
      }
      return renderer.message(type, decoded, type.name);
    },
  };
}
