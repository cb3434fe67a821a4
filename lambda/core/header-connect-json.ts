import type { ConnectSchema, JavaValue } from "./header-connect-value";
import { MILLIS_PER_DAY } from "./header-temporal";
import { javaDoubleString, javaFloatString } from "./java-number";

/** Where the connector would fail the record instead of sending it (a Connect `DataException`, an NPE). */
export class ConnectorCannotRender extends Error {}

/** A BigInteger's `toByteArray()`: minimal big-endian two's complement. */
function toByteArray(value: bigint): Buffer {
  let bytes = 1;
  while (value < -(1n << BigInt(8 * bytes - 1)) || value >= 1n << BigInt(8 * bytes - 1)) bytes += 1;
  return Buffer.from(
    BigInt.asUintN(8 * bytes, value)
      .toString(16)
      .padStart(2 * bytes, "0"),
    "hex",
  );
}

function classOf(value: JavaValue): string {
  if (typeof value === "string") return "String";
  if (typeof value === "boolean") return "Boolean";
  return value.kind;
}

/** The schema type Connect finds for a value without a schema (`ConnectSchema.schemaType(Class)`). */
const TYPE_BY_CLASS: Readonly<Record<string, ConnectSchema["type"] | undefined>> = {
  Byte: "INT8",
  Short: "INT16",
  Integer: "INT32",
  Long: "INT64",
  Float: "FLOAT32",
  Double: "FLOAT64",
  Boolean: "BOOLEAN",
  String: "STRING",
  List: "ARRAY",
  Map: "MAP",
};

const EXPECTED_CLASS: Readonly<Partial<Record<ConnectSchema["type"], string>>> = {
  INT8: "Byte",
  INT16: "Short",
  INT32: "Integer",
  INT64: "Long",
  FLOAT32: "Float",
  FLOAT64: "Double",
  BOOLEAN: "Boolean",
  STRING: "String",
  ARRAY: "List",
  MAP: "Map",
};

function fail(message: string): never {
  throw new ConnectorCannotRender(message);
}

/**
 * The JSON text the connector puts in `detail.headers` for a Connect header: its `JsonConverter`
 * (`schemas.enable=false`, `decimal.format=BASE64`) `convertToJson`, read back and written again by
 * Jackson, so a FLOAT32 `1.1` is `1.1` and a FLOAT64 `1e10` is `1.0E10`. Date is days since the
 * epoch, Time milliseconds of the day, Timestamp epoch milliseconds, a Decimal the base64 of its
 * unscaled two's complement bytes. A map whose keys are not strings is a list of `[key, value]` pairs.
 * Throws {@link ConnectorCannotRender} where the connector fails instead.
 * https://github.com/apache/kafka/blob/trunk/connect/json/src/main/java/org/apache/kafka/connect/json/JsonConverter.java
 */
export function connectToJson(schema: ConnectSchema | undefined, value: JavaValue | null): string {
  if (value === null) {
    if (schema === undefined) return "null";
    return fail("null value for a required schema");
  }
  if (schema?.name !== undefined) return logicalToJson(schema, value);
  const type = schema?.type ?? TYPE_BY_CLASS[classOf(value)] ?? fail(`no schema type for ${classOf(value)}`);
  const expectedClass = EXPECTED_CLASS[type];
  if (expectedClass !== undefined && expectedClass !== classOf(value)) fail(`invalid type for ${type}`);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  switch (value.kind) {
    case "Byte":
    case "Short":
    case "Integer":
    case "Long":
      return value.value.toString();
    case "Float":
      return javaFloatString(value.value);
    case "Double":
      return javaDoubleString(value.value);
    case "List":
      return `[${value.items.map((item) => connectToJson(schema?.valueSchema, item)).join(",")}]`;
    case "Map": {
      // A map schema without a key schema (`mapOfNull`, e.g. `{}`) makes JsonConverter dereference null.
      if (schema !== undefined && schema.keySchema === undefined) fail("map schema without a key schema");
      const objectMode =
        schema === undefined
          ? value.entries.every(([key]) => typeof key === "string")
          : schema.keySchema?.type === "STRING";
      const entries = value.entries.map(([key, entryValue]) => {
        const keyJson = connectToJson(schema?.keySchema, key);
        const valueJson = connectToJson(schema?.valueSchema, entryValue);
        return objectMode ? `${keyJson}:${valueJson}` : `[${keyJson},${valueJson}]`;
      });
      return objectMode ? `{${entries.join(",")}}` : `[${entries.join(",")}]`;
    }
    default:
      return fail(`invalid type for ${type}`);
  }
}

function logicalToJson(schema: ConnectSchema, value: JavaValue): string {
  if (schema.name === "Decimal") {
    if (typeof value !== "object" || value.kind !== "BigDecimal") return fail("Decimal expects a BigDecimal");
    if (value.scale !== schema.scale) return fail("Decimal value has mismatching scale");
    return `"${toByteArray(value.unscaled).toString("base64")}"`;
  }
  if (typeof value !== "object" || value.kind !== "Date")
    return fail(`${schema.name} expects a java.util.Date`);
  switch (schema.name) {
    case "Date":
      if (value.ms % MILLIS_PER_DAY !== 0) fail("Date with time fields set");
      return String(value.ms / MILLIS_PER_DAY);
    case "Time":
      if (value.ms < 0 || value.ms > MILLIS_PER_DAY) fail("Time with date fields set");
      return String(value.ms);
    default:
      return String(value.ms);
  }
}
