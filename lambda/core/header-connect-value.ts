import type { TemporalType } from "./header-temporal";

/**
 * The Kafka Connect data model that `SimpleHeaderConverter` produces from a header's text: a schema
 * (type, logical name) and a Java value, kept with its Java class, since the JSON the connector
 * writes depends on both (a `Float` is written `1.1`, a `Byte` in a list of `Float`s becomes `1.0`).
 */
export type ConnectType =
  | "INT8"
  | "INT16"
  | "INT32"
  | "INT64"
  | "FLOAT32"
  | "FLOAT64"
  | "BOOLEAN"
  | "STRING"
  | "BYTES"
  | "ARRAY"
  | "MAP";

export interface ConnectSchema {
  readonly type: ConnectType;
  readonly name?: TemporalType | "Decimal";
  /** `Decimal` only. */
  readonly scale?: number;
  /** ARRAY and MAP; absent where Connect leaves it null (`arrayOfNull`, `mapOfNull`, ...). */
  readonly keySchema?: ConnectSchema;
  readonly valueSchema?: ConnectSchema;
}

export type JavaInteger = { readonly kind: "Byte" | "Short" | "Integer" | "Long"; readonly value: bigint };
export type JavaFloating = { readonly kind: "Float" | "Double"; readonly value: number };
export type JavaDecimal = { readonly kind: "BigDecimal"; readonly unscaled: bigint; readonly scale: number };
export type JavaDate = { readonly kind: "Date"; readonly ms: number };
export type JavaList = { readonly kind: "List"; readonly items: readonly (JavaValue | null)[] };
export type JavaMap = {
  readonly kind: "Map";
  readonly entries: readonly (readonly [JavaValue, JavaValue | null])[];
};

/** A non-null Java value of the Connect data model (`null` stands for Java's null). */
export type JavaValue =
  | JavaInteger
  | JavaFloating
  | JavaDecimal
  | JavaDate
  | JavaList
  | JavaMap
  | boolean
  | string;

export interface SchemaAndValue {
  readonly schema: ConnectSchema | undefined;
  readonly value: JavaValue | null;
}

/** Java's `equals` between two values, as `LinkedHashMap` keys compare. */
export function javaEquals(a: JavaValue | null, b: JavaValue | null): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a !== "object" || typeof b !== "object") return a === b;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "Byte":
    case "Short":
    case "Integer":
    case "Long":
      return a.value === (b as JavaInteger).value;
    case "Float":
    case "Double":
      return Object.is(a.value, (b as JavaFloating).value);
    case "BigDecimal":
      return a.unscaled === (b as JavaDecimal).unscaled && a.scale === (b as JavaDecimal).scale;
    case "Date":
      return a.ms === (b as JavaDate).ms;
    case "List": {
      const other = (b as JavaList).items;
      return (
        a.items.length === other.length && a.items.every((item, i) => javaEquals(item, other[i] ?? null))
      );
    }
    case "Map": {
      const other = (b as JavaMap).entries;
      return (
        a.entries.length === other.length &&
        a.entries.every(([key, value]) => other.some(([k, v]) => javaEquals(key, k) && javaEquals(value, v)))
      );
    }
  }
}

/** `LinkedHashMap.put`: a key already present keeps its place and takes the new value. */
export function mapPut(
  entries: [JavaValue, JavaValue | null][],
  key: JavaValue,
  value: JavaValue | null,
): void {
  const index = entries.findIndex(([k]) => javaEquals(k, key));
  if (index === -1) entries.push([key, value]);
  else entries[index] = [key, value];
}
