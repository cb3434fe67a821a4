import {
  type ConnectSchema,
  type JavaDate,
  type JavaList,
  type JavaMap,
  type JavaValue,
  mapPut,
  type SchemaAndValue,
} from "./header-connect-value";
import { MILLIS_PER_DAY, parseTemporal, type Temporal } from "./header-temporal";
import { HeaderTokenizer, isBlank, javaTrim } from "./header-tokenizer";

/**
 * Kafka Connect's `Values.parseString` (connect-api 3.8 and later, 4.x included), which
 * `SimpleHeaderConverter.toConnectHeader` applies to every header's UTF-8 text: a port of
 * `ValueParser`, its `SchemaMerger` and the list/map alignment, rule for rule, so that a header
 * gets the type Connect infers for it. In short (each rule is Connect's, edge cases included):
 * - `true`/`false`/`null`, surrounding whitespace ignored, only when nothing follows;
 * - a number (first character a digit, `+` or `-`) that `BigDecimal` reads: an integer that fits
 *   64 bits is INT8/16/32/64 by size; otherwise FLOAT32 when the float is finite and the scale is not
 *   0, then FLOAT64 likewise, else a `Decimal` (an integer beyond 64 bits). Text after the number's
 *   token is ignored (`42,43` is 42);
 * - `yyyy-MM-dd`, `HH:mm:ss.SSS'Z'` and `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` as Date, Time, Timestamp;
 * - `[...]` and `{...}` with embedded values (quoted strings unescaped only of nothing: backslashes
 *   stay), elements merged to a common numeric schema, text after the closing bracket ignored;
 * - anything else, or a list/map that fails to parse, is the whole original text as a STRING;
 *   the empty text is the empty STRING.
 * https://github.com/apache/kafka/blob/trunk/connect/api/src/main/java/org/apache/kafka/connect/data/Values.java
 */
export function parseHeaderText(text: string, maxDepth: number): SchemaAndValue | null {
  if (text === "") return { schema: STRING, value: text };
  if (!hasDelimiter(text)) return parseSingleToken(text);
  return new ValueParser(new HeaderTokenizer(text), maxDepth).parse(false);
}

function hasDelimiter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x3a || c === 0x2c || c === 0x7b || c === 0x7d || c === 0x5b || c === 0x5d || c === 0x22)
      return true;
  }
  return false;
}

/**
 * The common case (`application/json`, `abc-123`, `42`), decided as the parser decides it but
 * without tokenizing: a text with no delimiter is one token, a literal, a temporal, a number, or the text.
 */
function parseSingleToken(text: string): SchemaAndValue | null {
  const token = javaTrim(text);
  if (token === "") return { schema: STRING, value: text };
  if (token === "null") return null;
  if (token === "true") return TRUE;
  if (token === "false") return FALSE;
  const first = token.charCodeAt(0);
  const digit = first >= 0x30 && first <= 0x39;
  if (digit) {
    const temporal = parseTemporal(token);
    if (temporal !== undefined) return temporalSchemaAndValue(temporal);
  }
  if (digit || first === 0x2b || first === 0x2d) {
    const number = parseAsNumber(token);
    if (number !== undefined) return number;
  }
  return { schema: STRING, value: text };
}

/** Connect's `DataException` inside the parser: a list or map that does not parse falls back to a string. */
class DataException extends Error {}

/** Thrown when a header nests deeper than EventBridge accepts. */
export class HeaderTooDeep extends Error {}

const STRING: ConnectSchema = { type: "STRING" };
const BOOLEAN: ConnectSchema = { type: "BOOLEAN" };
const TRUE: SchemaAndValue = { schema: BOOLEAN, value: true };
const FALSE: SchemaAndValue = { schema: BOOLEAN, value: false };
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

class ValueParser {
  private depth = 0;

  constructor(
    private readonly parser: HeaderTokenizer,
    private readonly maxDepth: number,
  ) {}

  private canParseSingleTokenLiteral(embedded: boolean, literal: string): boolean {
    const start = this.parser.mark();
    if (this.parser.canConsume(literal) && (embedded || !this.parser.hasNext())) return true;
    this.parser.rewindTo(start);
    return false;
  }

  parse(embedded: boolean): SchemaAndValue | null {
    const parser = this.parser;
    if (!parser.hasNext()) return null;
    if (embedded && parser.canConsume('"')) return this.parseQuotedString();
    if (this.canParseSingleTokenLiteral(embedded, "null")) return null;
    if (this.canParseSingleTokenLiteral(embedded, "true")) return TRUE;
    if (this.canParseSingleTokenLiteral(embedded, "false")) return FALSE;
    const start = parser.mark();
    try {
      if (parser.canConsume("[")) return this.nested(() => this.parseArray());
      if (parser.canConsume("{")) return this.nested(() => this.parseMap());
    } catch (error) {
      if (!(error instanceof DataException)) throw error;
      parser.rewindTo(start);
    }
    const token = parser.next();
    if (isBlank(token)) return { schema: STRING, value: token };
    return this.parseNextToken(embedded, javaTrim(token));
  }

  private nested(parse: () => SchemaAndValue): SchemaAndValue {
    this.depth += 1;
    if (this.depth > this.maxDepth) throw new HeaderTooDeep();
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private parseNextToken(embedded: boolean, token: string): SchemaAndValue {
    const first = token.charCodeAt(0);
    const digit = first >= 0x30 && first <= 0x39;
    if (digit) {
      const temporal = this.parseMultipleTokensAsTemporal(token);
      if (temporal !== undefined) return temporalSchemaAndValue(temporal);
    }
    if (digit || first === 0x2b || first === 0x2d) {
      const number = parseAsNumber(token);
      if (number !== undefined) return number;
    }
    if (embedded) throw new DataException("Failed to parse embedded value");
    return { schema: STRING, value: this.parser.original };
  }

  /** A time or timestamp is split at its unescaped colons: try the token and the four that follow. */
  private parseMultipleTokensAsTemporal(token: string): Temporal | undefined {
    const position = this.parser.mark();
    const remainder = this.parser.nextTokens(4);
    if (remainder !== undefined) {
      const temporal = parseTemporal(token + remainder);
      if (temporal !== undefined) return temporal;
    }
    this.parser.rewindTo(position);
    return parseTemporal(token);
  }

  private parseQuotedString(): SchemaAndValue {
    let content = "";
    while (this.parser.hasNext()) {
      if (this.parser.canConsume('"')) break;
      content += this.parser.next();
    }
    const temporal = parseTemporal(content);
    return temporal !== undefined ? temporalSchemaAndValue(temporal) : { schema: STRING, value: content };
  }

  private parseArray(): SchemaAndValue {
    const parser = this.parser;
    let result: (JavaValue | null)[] = [];
    const elementSchema = new SchemaMerger();
    while (parser.hasNext()) {
      if (parser.canConsume("]")) {
        if (elementSchema.common === undefined) {
          return { schema: { type: "ARRAY" }, value: { kind: "List", items: result } };
        }
        const schema: ConnectSchema = { type: "ARRAY", valueSchema: elementSchema.common };
        result = result.map((item) => convertTo(elementSchema.common as ConnectSchema, item));
        return { schema, value: { kind: "List", items: result } };
      }
      if (parser.canConsume(",")) throw new DataException("Unable to parse an empty array element");
      const element = this.parse(true);
      elementSchema.merge(element);
      result.push(element?.value ?? null);
      const position = parser.mark();
      if (parser.canConsume("]")) parser.rewindTo(position);
      else if (!parser.canConsume(",")) throw new DataException("Array elements missing ',' delimiter");
    }
    throw new DataException("Array is missing terminating ']'");
  }

  private parseMap(): SchemaAndValue {
    const parser = this.parser;
    const result: [JavaValue, JavaValue | null][] = [];
    const keySchema = new SchemaMerger();
    const valueSchema = new SchemaMerger();
    while (parser.hasNext()) {
      if (parser.canConsume("}")) {
        const keys = keySchema.common;
        const values = valueSchema.common;
        if (keys !== undefined && values !== undefined) {
          const aligned: [JavaValue, JavaValue | null][] = [];
          for (const [key, value] of result) {
            mapPut(aligned, convertTo(keys, key) as JavaValue, convertTo(values, value));
          }
          return { schema: { type: "MAP", keySchema: keys, valueSchema: values }, value: map(aligned) };
        }
        if (keys !== undefined) {
          const aligned: [JavaValue, JavaValue | null][] = [];
          for (const [key, value] of result) mapPut(aligned, convertTo(keys, key) as JavaValue, value);
          return { schema: { type: "MAP", keySchema: keys }, value: map(aligned) };
        }
        return { schema: { type: "MAP" }, value: map(result) };
      }
      if (parser.canConsume(",")) throw new DataException("Unable to parse a map entry with no key or value");
      const key = this.parse(true);
      if (key === null || key.value === null) throw new DataException("Map entry may not have a null key");
      if (!parser.canConsume(":")) throw new DataException("Map entry is missing ':'");
      const value = this.parse(true);
      mapPut(result, key.value, value?.value ?? null);
      parser.canConsume(",");
      keySchema.merge(key);
      valueSchema.merge(value);
    }
    throw new DataException("Map is missing terminating '}'");
  }
}

function map(entries: [JavaValue, JavaValue | null][]): JavaMap {
  return { kind: "Map", entries };
}

function temporalSchemaAndValue(temporal: Temporal): SchemaAndValue {
  const type = temporal.type === "Timestamp" ? "INT64" : "INT32";
  return { schema: { type, name: temporal.type }, value: { kind: "Date", ms: temporal.ms } };
}

/** `new BigDecimal(token)`: unscaled value and scale, or undefined where Java throws NumberFormatException. */
function parseBigDecimal(token: string): { unscaled: bigint; scale: number } | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(token);
  if (match === null) return undefined;
  const [, sign = "", whole = "", fraction = "", exponentText] = match;
  if (whole === "" && fraction === "") return undefined;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (!Number.isSafeInteger(exponent) || exponent > INT_MAX || exponent < INT_MIN) return undefined;
  const scale = fraction.length - exponent;
  if (scale > INT_MAX || scale < INT_MIN) return undefined;
  const magnitude = BigInt(`${whole}${fraction}` || "0");
  return { unscaled: sign === "-" ? -magnitude : magnitude, scale };
}

/** `ValueParser.parseAsNumber`. */
function parseAsNumber(token: string): SchemaAndValue | undefined {
  const decimal = parseBigDecimal(token);
  if (decimal === undefined) return undefined;
  const { unscaled, scale } = decimal;
  const integral = exactInteger(unscaled, scale);
  if (integral !== undefined && integral >= LONG_MIN && integral <= LONG_MAX) {
    if (integral >= -128n && integral <= 127n)
      return { schema: { type: "INT8" }, value: { kind: "Byte", value: integral } };
    if (integral >= -32_768n && integral <= 32_767n)
      return { schema: { type: "INT16" }, value: { kind: "Short", value: integral } };
    if (integral >= -2_147_483_648n && integral <= 2_147_483_647n)
      return { schema: { type: "INT32" }, value: { kind: "Integer", value: integral } };
    return { schema: { type: "INT64" }, value: { kind: "Long", value: integral } };
  }
  // BigDecimal's floatValue()/doubleValue(): the nearest float/double to the exact decimal.
  const double = Number(`${unscaled}e${-scale}`);
  const float = Math.fround(double);
  if (Number.isFinite(float) && scale !== 0)
    return { schema: { type: "FLOAT32" }, value: { kind: "Float", value: float } };
  if (Number.isFinite(double) && scale !== 0)
    return { schema: { type: "FLOAT64" }, value: { kind: "Double", value: double } };
  return {
    schema: { type: "BYTES", name: "Decimal", scale },
    value: { kind: "BigDecimal", unscaled, scale },
  };
}

/** The decimal's value when it is an integer; undefined otherwise, or when it is far beyond 64 bits. */
function exactInteger(unscaled: bigint, scale: number): bigint | undefined {
  if (unscaled === 0n) return 0n;
  if (scale <= 0) return scale < -19 ? LONG_MAX + 1n : unscaled * 10n ** BigInt(-scale);
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length;
  if (scale >= digits) return undefined;
  const divisor = 10n ** BigInt(scale);
  return unscaled % divisor === 0n ? unscaled / divisor : undefined;
}

/** `Values.SchemaMerger`: the common schema of a list's elements or a map's keys or values. */
class SchemaMerger {
  common: ConnectSchema | undefined;
  private compatible = true;

  merge(latest: SchemaAndValue | null): void {
    if (latest === null || latest.schema === undefined || !this.compatible) return;
    if (this.common === undefined) this.common = latest.schema;
    else {
      this.common = mergeSchemas(this.common, latest.schema);
      this.compatible = this.common !== undefined;
    }
  }
}

const NUMERIC_ORDER = ["INT8", "INT16", "INT32", "INT64", "FLOAT32", "FLOAT64"] as const;

/** `Values.mergeSchemas`: numeric types widen to the wider one; the same type keeps the newer schema. */
function mergeSchemas(previous: ConnectSchema, next: ConnectSchema): ConnectSchema | undefined {
  if (previous.type === next.type) return next;
  const from = NUMERIC_ORDER.indexOf(previous.type as (typeof NUMERIC_ORDER)[number]);
  const to = NUMERIC_ORDER.indexOf(next.type as (typeof NUMERIC_ORDER)[number]);
  if (from === -1 || to === -1) return undefined;
  return to > from ? next : previous;
}

/** Java's `Number.longValue()`. */
function longValue(value: JavaValue | null): bigint {
  if (value === null || typeof value !== "object") throw new DataException("Unable to convert to a number");
  switch (value.kind) {
    case "Byte":
    case "Short":
    case "Integer":
    case "Long":
      return value.value;
    case "Float":
    case "Double": {
      if (Number.isNaN(value.value)) return 0n;
      const truncated = BigInt(Math.trunc(Math.max(Math.min(value.value, 9.3e18), -9.3e18)));
      return truncated > LONG_MAX ? LONG_MAX : truncated < LONG_MIN ? LONG_MIN : truncated;
    }
    case "BigDecimal":
      return BigInt.asIntN(64, exactInteger(value.unscaled, value.scale) ?? 0n);
    default:
      throw new DataException("Unable to convert to a number");
  }
}

/** Java's `Number.doubleValue()`. */
function doubleValue(value: JavaValue | null): number {
  if (value !== null && typeof value === "object" && (value.kind === "Float" || value.kind === "Double"))
    return value.value;
  return Number(longValue(value));
}

function date(ms: bigint | number): JavaDate {
  return { kind: "Date", ms: Number(ms) };
}

/**
 * `Values.convertTo(toSchema, null, value)` as the alignment of a list's elements or a map's entries
 * calls it: a null for a required schema, or a value that cannot be converted, fails the whole list.
 */
function convertTo(to: ConnectSchema, value: JavaValue | null): JavaValue | null {
  if (value === null)
    throw new DataException("Unable to convert a null value to a schema that requires a value");
  const isDate = typeof value === "object" && value.kind === "Date";
  switch (to.type) {
    case "BYTES":
    case "STRING":
    case "BOOLEAN":
      return value;
    case "INT8":
      return typeof value === "object" && value.kind === "Byte"
        ? value
        : { kind: "Byte", value: BigInt.asIntN(8, longValue(value)) };
    case "INT16":
      return typeof value === "object" && value.kind === "Short"
        ? value
        : { kind: "Short", value: BigInt.asIntN(16, longValue(value)) };
    case "INT32":
      if (to.name === "Date" || to.name === "Time") {
        if (isDate) return value;
        const numeric = BigInt.asIntN(32, longValue(value));
        if (to.name === "Date") return date(numeric * BigInt(MILLIS_PER_DAY));
        if (numeric < 0n || numeric > BigInt(MILLIS_PER_DAY)) throw new DataException("Time out of range");
        return date(numeric);
      }
      return typeof value === "object" && value.kind === "Integer"
        ? value
        : { kind: "Integer", value: BigInt.asIntN(32, longValue(value)) };
    case "INT64":
      if (to.name === "Timestamp") return isDate ? value : date(longValue(value));
      return typeof value === "object" && value.kind === "Long"
        ? value
        : { kind: "Long", value: longValue(value) };
    case "FLOAT32":
      return typeof value === "object" && value.kind === "Float"
        ? value
        : { kind: "Float", value: Math.fround(doubleValue(value)) };
    case "FLOAT64":
      return typeof value === "object" && value.kind === "Double"
        ? value
        : { kind: "Double", value: doubleValue(value) };
    case "ARRAY":
      if (typeof value === "object" && value.kind === "List") return value as JavaList;
      throw new DataException("Unable to convert to a list");
    case "MAP":
      if (typeof value === "object" && value.kind === "Map") return value;
      throw new DataException("Unable to convert to a map");
  }
}
