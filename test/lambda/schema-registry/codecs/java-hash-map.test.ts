import { describe, expect, it } from "vitest";
import { hashMapOrder, javaStringHash } from "../../../../lambda/schema-registry/codecs/java-hash-map";

/**
 * Orders printed by OpenJDK 17 for `new HashMap<>(n)` filled in the listed order, then copied into
 * `new HashMap<>(size)` (what Avro's reader and AvroData do), `keySet()` joined by commas.
 */
const JAVA_ORDERS: readonly [string[], string][] = [
  [
    ["zeta", "alpha", "mid", "b", "aa", "Ω", "ключ", "key10", "key2"],
    "zeta,aa,key2,b,ключ,alpha,mid,Ω,key10",
  ],
  [
    Array.from({ length: 17 }, (_, i) => `k${i}`),
    "k0,k1,k2,k3,k4,k5,k11,k6,k10,k7,k13,k8,k12,k9,k15,k14,k16",
  ],
  [["Aa", "BB", "C#", "Db"], "Aa,BB,C#,Db"],
  [["x"], "x"],
];

function twoStageOrder(keys: string[]): string {
  const first = hashMapOrder(keys, keys.length, javaStringHash).map((i) => keys[i] as string);
  return hashMapOrder(first, first.length, javaStringHash)
    .map((i) => first[i])
    .join(",");
}

describe("Java HashMap iteration order", () => {
  it.each(JAVA_ORDERS)("orders %j as Java does", (keys, java) => {
    expect(twoStageOrder(keys)).toBe(java);
  });

  it("computes String.hashCode over UTF-16 code units", () => {
    expect(javaStringHash("hello")).toBe(99162322);
    expect(javaStringHash("Aa")).toBe(javaStringHash("BB"));
  });

  it("keeps a repeated key at its first position with the last value", () => {
    expect(hashMapOrder(["b", "a", "b"], 3, javaStringHash)).toEqual([1, 2]);
  });
});
