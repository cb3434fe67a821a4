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
import { jsonDouble, jsonFloat } from "../../core/java-number";
import type { DecimalFormat } from "../../env-names";
import { InvalidSchemaError, SchemaMismatchError } from "../codec-error";
import type { Codec, CodecOptions, CodecSchema } from "./codec";
import { hashMapOrder, javaStringHash } from "./java-hash-map";
import { jsonStringOfUtf8 } from "./json-text";

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

/**
 * Well-known files a registry schema imports without listing them as references (Confluent's
 * ProtobufSchema ships them): google/type/*, confluent/*, and the options of descriptor.proto that
 * confluent/meta.proto extends. protobufjs bundles the other google/protobuf/* files.
 */
const BUNDLED_IMPORTS: Readonly<Record<string, string>> = {
  "google/type/date.proto": `syntax = "proto3"; package google.type;
    message Date { int32 year = 1; int32 month = 2; int32 day = 3; }`,
  "google/type/timeofday.proto": `syntax = "proto3"; package google.type;
    message TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }`,
  "google/type/money.proto": `syntax = "proto3"; package google.type;
    message Money { string currency_code = 1; int64 units = 2; int32 nanos = 3; }`,
  "google/type/latlng.proto": `syntax = "proto3"; package google.type;
    message LatLng { double latitude = 1; double longitude = 2; }`,
  "google/type/fraction.proto": `syntax = "proto3"; package google.type;
    message Fraction { int64 numerator = 1; int64 denominator = 2; }`,
  "google/type/quaternion.proto": `syntax = "proto3"; package google.type;
    message Quaternion { double x = 1; double y = 2; double z = 3; double w = 4; }`,
  "google/type/expr.proto": `syntax = "proto3"; package google.type;
    message Expr { string expression = 1; string title = 2; string description = 3; string location = 4; }`,
  "google/type/localized_text.proto": `syntax = "proto3"; package google.type;
    message LocalizedText { string text = 1; string language_code = 2; }`,
  "google/type/decimal.proto": `syntax = "proto3"; package google.type; message Decimal { string value = 1; }`,
  "google/type/dayofweek.proto": `syntax = "proto3"; package google.type;
    enum DayOfWeek { DAY_OF_WEEK_UNSPECIFIED = 0; MONDAY = 1; TUESDAY = 2; WEDNESDAY = 3; THURSDAY = 4;
      FRIDAY = 5; SATURDAY = 6; SUNDAY = 7; }`,
  "google/type/month.proto": `syntax = "proto3"; package google.type;
    enum Month { MONTH_UNSPECIFIED = 0; JANUARY = 1; FEBRUARY = 2; MARCH = 3; APRIL = 4; MAY = 5; JUNE = 6;
      JULY = 7; AUGUST = 8; SEPTEMBER = 9; OCTOBER = 10; NOVEMBER = 11; DECEMBER = 12; }`,
  "google/type/calendar_period.proto": `syntax = "proto3"; package google.type;
    enum CalendarPeriod { CALENDAR_PERIOD_UNSPECIFIED = 0; DAY = 1; WEEK = 2; FORTNIGHT = 3; MONTH = 4;
      QUARTER = 5; HALF = 6; YEAR = 7; }`,
  "google/type/interval.proto": `syntax = "proto3"; package google.type; import "google/protobuf/timestamp.proto";
    message Interval { google.protobuf.Timestamp start_time = 1; google.protobuf.Timestamp end_time = 2; }`,
  "google/type/datetime.proto": `syntax = "proto3"; package google.type; import "google/protobuf/duration.proto";
    message DateTime { int32 year = 1; int32 month = 2; int32 day = 3; int32 hours = 4; int32 minutes = 5;
      int32 seconds = 6; int32 nanos = 7;
      oneof time_offset { google.protobuf.Duration utc_offset = 8; TimeZone time_zone = 9; } }
    message TimeZone { string id = 1; string version = 2; }`,
  "google/type/color.proto": `syntax = "proto3"; package google.type; import "google/protobuf/wrappers.proto";
    message Color { float red = 1; float green = 2; float blue = 3; google.protobuf.FloatValue alpha = 4; }`,
  "google/type/postal_address.proto": `syntax = "proto3"; package google.type;
    message PostalAddress { int32 revision = 1; string region_code = 2; string language_code = 3;
      string postal_code = 4; string sorting_code = 5; string administrative_area = 6; string locality = 7;
      string sublocality = 8; repeated string address_lines = 9; repeated string recipients = 10;
      string organization = 11; }`,
  "google/type/phone_number.proto": `syntax = "proto3"; package google.type;
    message PhoneNumber { oneof kind { string e164_number = 1; ShortCode short_code = 2; } string extension = 3;
      message ShortCode { string region_code = 1; string number = 2; } }`,
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

interface Features {
  readonly _features?: { readonly enum_type?: string };
}

type ReadScalar = (reader: Reader) => string | undefined;

/** A length-delimited value as a view of the payload (the reader was created over a Buffer). */
function sized(reader: Reader): Buffer {
  const length = reader.uint32();
  const start = reader.pos;
  reader.skip(length);
  return (reader.buf as Buffer).subarray(start, start + length);
}

/** A reader of one scalar of this field's type, returning the JSON text Connect's JsonConverter writes. */
function scalarReader(type: string, resolved: unknown, at: string): ReadScalar {
  switch (type) {
    case "int32":
      return (reader) => String(reader.int32());
    case "sfixed32":
      return (reader) => String(reader.sfixed32());
    case "sint32":
      return (reader) => String(reader.sint32());
    case "uint32":
      return (reader) => String(reader.uint32());
    case "fixed32":
      return (reader) => String(reader.fixed32());
    // Connect has no unsigned 64-bit type: uint64 and fixed64 are Java longs, so ≥ 2^63 reads negative.
    case "int64":
    case "uint64":
      return (reader) => reader.int64().toString();
    case "sint64":
      return (reader) => reader.sint64().toString();
    case "fixed64":
    case "sfixed64":
      return (reader) => reader.sfixed64().toString();
    case "float":
      return (reader) => jsonFloat(reader.float());
    case "double":
      return (reader) => jsonDouble(reader.double());
    case "bool":
      return (reader) => (reader.bool() ? "true" : "false");
    case "string":
      return (reader) => jsonStringOfUtf8(sized(reader), at);
    case "bytes":
      return (reader) => `"${sized(reader).toString("base64")}"`;
    default: {
      if (!(resolved instanceof Enum)) throw new InvalidSchemaError(`unresolved type ${type} at ${at}`);
      const names = new Map(
        Object.entries(resolved.values).map(([name, number]) => [number, JSON.stringify(name)]),
      );
      // A closed (proto2) enum keeps an unknown number among unknown fields: the field stays unset.
      const closed = (resolved as Features)._features?.enum_type === "CLOSED";
      return (reader) => {
        const number = reader.int32();
        const name = names.get(number);
        if (name !== undefined || closed) return name;
        // protobuf-java's EnumDescriptor.findValueByNumberCreatingIfUnknown names an unknown number so.
        return JSON.stringify(`UNKNOWN_ENUM_VALUE_${resolved.name}_${number}`);
      };
    }
  }
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

function asMapField(field: FieldBase): MapField | undefined {
  return field instanceof MapField ? field : undefined;
}

/** What the walk needs of one field, worked out once per message type. */
interface FieldPlan {
  readonly field: Field;
  readonly id: number;
  readonly at: string;
  /** `"name":` */
  readonly prefix: string;
  readonly wire: number;
  readonly repeated: boolean;
  /** Scalars (map values too) read by this; undefined for message-typed fields. */
  readonly read: ReadScalar | undefined;
  readonly message: Type | undefined;
  readonly map: MapPlan | undefined;
  /** The other members of its oneof, cleared when it is set. */
  readonly siblings: readonly number[];
  /** The JSON of the field when unset: null, or the default Connect puts in the struct. */
  readonly unset: string;
}

interface MapPlan {
  readonly keyWire: number;
  readonly readKey: ReadScalar;
  readonly defaultKey: string;
  readonly stringKeys: boolean;
  readonly hash: (key: string) => number;
}

interface MessagePlan {
  readonly type: Type;
  readonly byId: ReadonlyMap<number, FieldPlan>;
  /** Real oneofs in order, as struct fields `<oneof>_<index>` (generate.index.for.unions, default true). */
  readonly oneofs: readonly { readonly prefix: string; readonly members: readonly FieldPlan[] }[];
  /** The other fields in declaration order. */
  readonly fields: readonly FieldPlan[];
  readonly required: readonly FieldPlan[];
  /** The Connect logical type the message maps to, if any. */
  readonly logical: string | undefined;
}

/** Message types ProtobufData turns into Connect logical types. */
const LOGICAL_MESSAGES = new Set([
  ".google.protobuf.Timestamp",
  ".google.type.Date",
  ".google.type.TimeOfDay",
  ".confluent.type.Decimal",
]);

const MILLIS_PER_DAY = 86_400_000;

class Walker {
  private readonly plans = new Map<Type, MessagePlan>();

  constructor(private readonly decimalFormat: DecimalFormat) {}

  plan(type: Type): MessagePlan {
    const known = this.plans.get(type);
    if (known !== undefined) return known;
    const fullName = type.fullName;
    const at = fullName.slice(1);
    const byId = new Map<number, FieldPlan>();
    for (const field of type.fieldsArray) {
      const mapField = asMapField(field);
      const message = field.resolvedType instanceof Type ? field.resolvedType : undefined;
      const fieldAt = `${at}.${field.name}`;
      const read = message === undefined ? scalarReader(field.type, field.resolvedType, fieldAt) : undefined;
      const siblings =
        field.partOf === null ? [] : field.partOf.fieldsArray.filter((m) => m !== field).map((m) => m.id);
      const map: MapPlan | undefined =
        mapField === undefined
          ? undefined
          : {
              keyWire: WIRE[mapField.keyType] ?? 0,
              readKey: scalarReader(mapField.keyType, null, `${fieldAt}{key}`),
              defaultKey: defaultScalar({
                type: mapField.keyType,
                resolvedType: null,
              } as unknown as FieldBase),
              stringKeys: mapField.keyType === "string",
              hash: keyHash(mapField.keyType),
            };
      // Messages and fields with explicit presence (proto3 `optional`, proto2 `optional`) are null when
      // unset; other scalars, and proto2 `required`, carry their default. Repeated fields are [] or {}.
      const unset =
        map !== undefined
          ? map.stringKeys
            ? "{}"
            : "[]"
          : field.repeated
            ? "[]"
            : message !== undefined || (field.hasPresence && !field.required)
              ? "null"
              : defaultScalar(field);
      byId.set(field.id, {
        field,
        id: field.id,
        at: fieldAt,
        prefix: `${JSON.stringify(field.name)}:`,
        wire: message !== undefined ? 2 : (WIRE[field.type] ?? 0),
        repeated: field.repeated && map === undefined,
        read,
        message,
        map,
        siblings,
        unset,
      });
    }
    const realOneofs = type.oneofsArray.filter(
      (oneof) => !oneof.fieldsArray.every((member) => member.options?.proto3_optional === true),
    );
    const inRealOneof = new Set(realOneofs.flatMap((oneof) => oneof.fieldsArray.map((member) => member.id)));
    const plan: MessagePlan = {
      type,
      byId,
      oneofs: realOneofs.map((oneof, index) => ({
        prefix: `${JSON.stringify(`${oneof.name}_${index}`)}:`,
        members: oneof.fieldsArray.map((member) => byId.get(member.id) as FieldPlan),
      })),
      fields: type.fieldsArray
        .filter((field) => !inRealOneof.has(field.id))
        .map((field) => byId.get(field.id) as FieldPlan),
      required: type.fieldsArray
        .filter((field) => field.required)
        .map((field) => byId.get(field.id) as FieldPlan),
      logical: LOGICAL_MESSAGES.has(fullName) ? fullName : undefined,
    };
    this.plans.set(type, plan);
    return plan;
  }

  /** Reads one message's fields up to `end` into `into` (merging, as a repeated singular message merges). */
  read(reader: Reader, end: number, type: Type, into: Decoded): Decoded {
    const { byId } = this.plan(type);
    while (reader.pos < end) {
      const tag = reader.uint32();
      const wireType = tag & 7;
      const plan = byId.get(tag >>> 3);
      if (plan === undefined) {
        reader.skipType(wireType);
        continue;
      }
      const { id } = plan;
      if (plan.map !== undefined) {
        if (wireType !== 2) {
          reader.skipType(wireType);
          continue;
        }
        let entries = into.get(id) as MapEntries | undefined;
        if (entries === undefined) {
          entries = { entries: [] };
          into.set(id, entries);
        }
        entries.entries.push(this.mapEntry(reader, plan, plan.map));
        continue;
      }
      const packed = plan.repeated && wireType === 2 && plan.wire !== 2;
      if (wireType !== plan.wire && !packed) {
        // protobuf-java parses a known field with another wire type as an unknown field.
        reader.skipType(wireType);
        continue;
      }
      const { message, read } = plan;
      if (message !== undefined) {
        const fieldEnd = reader.uint32() + reader.pos;
        if (fieldEnd > end) throw new SchemaMismatchError(`more bytes at ${plan.at} (truncated)`);
        if (plan.repeated) {
          let list = into.get(id) as Value[] | undefined;
          if (list === undefined) {
            list = [];
            into.set(id, list);
          }
          list.push(this.read(reader, fieldEnd, message, new Map()));
        } else {
          const existing = into.get(id);
          for (const sibling of plan.siblings) into.delete(sibling);
          into.set(id, this.read(reader, fieldEnd, message, existing instanceof Map ? existing : new Map()));
        }
        continue;
      }
      if (read === undefined) continue;
      if (plan.repeated) {
        let list = into.get(id) as Value[] | undefined;
        if (list === undefined) {
          list = [];
          into.set(id, list);
        }
        if (!packed) {
          const value = read(reader);
          if (value !== undefined) list.push(value);
          continue;
        }
        const packedEnd = reader.uint32() + reader.pos;
        if (packedEnd > end) throw new SchemaMismatchError(`more bytes at ${plan.at} (truncated)`);
        while (reader.pos < packedEnd) {
          const value = read(reader);
          if (value !== undefined) list.push(value);
        }
        if (reader.pos !== packedEnd) throw new SchemaMismatchError(`packed values to end at ${plan.at}`);
        continue;
      }
      const value = read(reader);
      if (value === undefined) continue;
      for (const sibling of plan.siblings) into.delete(sibling);
      into.set(id, value);
    }
    if (reader.pos !== end) throw new SchemaMismatchError(`the ${type.name} message to end at byte ${end}`);
    return into;
  }

  private mapEntry(reader: Reader, plan: FieldPlan, map: MapPlan): [string, Value] {
    const end = reader.uint32() + reader.pos;
    let key: string | undefined;
    let value: Value | undefined;
    while (reader.pos < end) {
      const tag = reader.uint32();
      const id = tag >>> 3;
      const wireType = tag & 7;
      if (id === 1 && wireType === map.keyWire) key = map.readKey(reader);
      else if (id === 2 && wireType === plan.wire) {
        if (plan.message !== undefined) {
          const valueEnd = reader.uint32() + reader.pos;
          value = this.read(reader, valueEnd, plan.message, new Map());
        } else value = plan.read?.(reader);
      } else reader.skipType(wireType);
    }
    if (reader.pos !== end)
      throw new SchemaMismatchError(`the map entry at ${plan.at} to end at byte ${end}`);
    return [
      key ?? map.defaultKey,
      value ?? (plan.message !== undefined ? new Map() : defaultScalar(plan.field)),
    ];
  }

  render(type: Type, decoded: Decoded): string {
    const plan = this.plan(type);
    if (plan.logical !== undefined) return this.logical(plan, decoded);
    let json = "{";
    for (const oneof of plan.oneofs) {
      const set = oneof.members.find((member) => decoded.has(member.id));
      let value = "null";
      if (set !== undefined) {
        value = "{";
        for (const member of oneof.members) {
          value += `${value === "{" ? "" : ","}${member.prefix}${member === set ? this.value(member, decoded.get(member.id)) : "null"}`;
        }
        value += "}";
      }
      json += `${json === "{" ? "" : ","}${oneof.prefix}${value}`;
    }
    for (const field of plan.fields) {
      json += `${json === "{" ? "" : ","}${field.prefix}${this.value(field, decoded.get(field.id))}`;
    }
    return `${json}}`;
  }

  /** A field's JSON: its value, or for an unset one what ProtobufData puts in the Connect struct. */
  private value(plan: FieldPlan, value: Value | undefined): string {
    if (value === undefined) return plan.unset;
    if (plan.map !== undefined) return this.map(plan, plan.map, value as MapEntries);
    const { message } = plan;
    if (plan.repeated) {
      const items = value as Value[];
      let json = "[";
      for (let i = 0; i < items.length; i += 1) {
        const item = items[i] as Value;
        json += `${i === 0 ? "" : ","}${message !== undefined ? this.render(message, item as Decoded) : item}`;
      }
      return `${json}]`;
    }
    return message !== undefined ? this.render(message, value as Decoded) : (value as string);
  }

  /**
   * Connect holds a map as a HashMap; JsonConverter writes string keys as an object and other keys as
   * an array of [key, value] pairs, both in the HashMap's iteration order. A repeated key keeps its
   * last value.
   */
  private map(plan: FieldPlan, map: MapPlan, value: MapEntries): string {
    const { entries } = value;
    const order = hashMapOrder(
      entries.map(([key]) => key),
      16,
      map.hash,
    );
    const parts = order.map((i) => {
      const [key, item] = entries[i] as [string, Value];
      const rendered =
        plan.message !== undefined ? this.render(plan.message, item as Decoded) : (item as string);
      return map.stringKeys ? `${key}:${rendered}` : `[${key},${rendered}]`;
    });
    return map.stringKeys ? `{${parts.join(",")}}` : `[${parts.join(",")}]`;
  }

  /** Timestamp, Date, TimeOfDay and Decimal, which Connect renders as its logical types. */
  private logical(plan: MessagePlan, decoded: Decoded): string {
    const { type } = plan;
    const at = type.fullName.slice(1);
    const int = (name: string): bigint => {
      const field = type.fields[name];
      const text = field === undefined ? undefined : decoded.get(field.id);
      return typeof text === "string" ? BigInt(text) : 0n;
    };
    switch (plan.logical) {
      case ".google.protobuf.Timestamp": {
        // Timestamps.toMillis checks the range (0001-01-01 to 9999-12-31) and drops sub-millisecond nanos.
        const seconds = int("seconds");
        const nanos = int("nanos");
        if (seconds < -62_135_596_800n || seconds > 253_402_300_799n || nanos < 0n || nanos > 999_999_999n) {
          throw new SchemaMismatchError(`a Timestamp within 0001-01-01 and 9999-12-31 at ${at}`);
        }
        return String(seconds * 1000n + nanos / 1_000_000n);
      }
      case ".google.type.Date": {
        const [year, month, day] = ["year", "month", "day"].map((name) => Number(int(name))) as [
          number,
          number,
          number,
        ];
        const millis = Date.UTC(year, month - 1, day);
        const check = new Date(millis);
        if (
          year === 0 ||
          check.getUTCFullYear() !== year ||
          check.getUTCMonth() !== month - 1 ||
          check.getUTCDate() !== day
        ) {
          throw new SchemaMismatchError(`a valid calendar Date at ${at}`);
        }
        return String(Math.floor(millis / MILLIS_PER_DAY));
      }
      case ".google.type.TimeOfDay": {
        const [hours, minutes, seconds, nanos] = ["hours", "minutes", "seconds", "nanos"].map((name) =>
          Number(int(name)),
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
        const scale = Number(int("scale"));
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
 * Compiles a .proto schema (imports resolved from `references` by import path, the well-known files
 * bundled) into a renderer of its payloads. `render` selects the message by Confluent's message-index list
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
  const walker = new Walker(options.decimalFormat);
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
        decoded = walker.read(Reader.create(payload), payload.length, type, new Map());
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
      for (const field of walker.plan(type).required) {
        if (!decoded.has(field.id))
          throw new SchemaMismatchError(`required field ${field.field.name} of ${type.name}`);
      }
      return walker.render(type, decoded);
    },
  };
}
