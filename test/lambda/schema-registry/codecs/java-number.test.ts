import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  javaDoubleString,
  javaFloatString,
  javaFloatStringExact,
  jsonDouble,
  jsonFloat,
} from "../../../../lambda/core/java-number";

/**
 * Expected spellings are Java's own (JDK 19+, shortest-decimal Double/Float.toString):
 * - the constants as their Javadoc states them (Double.MAX_VALUE 1.7976931348623157E308,
 *   MIN_NORMAL 2.2250738585072014E-308, MIN_VALUE 4.9E-324; Float.MAX_VALUE 3.4028235E38,
 *   MIN_VALUE 1.4E-45): https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/lang/Double.html
 * - JDK-4511638, the bug fixed in JDK 19 (2.0E-3 printed "0.0020" before, "0.002" after; 1.0E23 stays
 *   "1.0E23"): https://bugs.openjdk.org/browse/JDK-4511638
 * - the layout rules of the Javadoc: plain for 10^-3 <= |x| < 10^7, else d.dddE±n, at least one
 *   fraction digit (1.0E7, 100.0, 0.001, 9999999.0).
 * - the values the issue reports from connector v1.6.1 (1.1, 1.0E-7, 1.2345678912345679E8, 3.4028235E38).
 */
const DOUBLES: readonly [number, string][] = [
  [1.1, "1.1"],
  [1e-7, "1.0E-7"],
  [123456789.12345679, "1.2345678912345679E8"],
  [0, "0.0"],
  [-0, "-0.0"],
  [1, "1.0"],
  [100, "100.0"],
  [-2.5, "-2.5"],
  [0.001, "0.001"],
  [0.000999, "9.99E-4"],
  [2.0e-3, "0.002"],
  [9999999, "9999999.0"],
  [1e7, "1.0E7"],
  [12345678, "1.2345678E7"],
  [1e23, "1.0E23"],
  [0.1 + 0.2, "0.30000000000000004"],
  [Number.MAX_VALUE, "1.7976931348623157E308"],
  [2.2250738585072014e-308, "2.2250738585072014E-308"],
  [Number.MIN_VALUE, "4.9E-324"],
  [-Number.MIN_VALUE, "-4.9E-324"],
  [2 ** 63, "9.223372036854776E18"],
  [Number.MAX_SAFE_INTEGER, "9.007199254740991E15"],
];

/** Float values as Java's Float.toString spells them; the input is rounded to float32 first. */
const FLOATS: readonly [number, string][] = [
  [1.1, "1.1"],
  [0.1, "0.1"],
  [3.4028234663852886e38, "3.4028235E38"],
  [1.401298464324817e-45, "1.4E-45"],
  [2.802596928649634e-45, "2.8E-45"],
  [1.1754943508222875e-38, "1.1754944E-38"],
  [16777216, "1.6777216E7"],
  [1e-5, "1.0E-5"],
  [Math.PI, "3.1415927"],
  [1 / 3, "0.33333334"],
  [100, "100.0"],
  [1e10, "1.0E10"],
  [-0, "-0.0"],
  [0.001, "0.001"],
];

describe("Java Double.toString spelling", () => {
  it.each(DOUBLES)("spells %d as %s", (value, java) => {
    expect(javaDoubleString(value)).toBe(java);
    expect(Number(java)).toBe(value);
  });

  it("renders NaN and the infinities as JSON strings", () => {
    expect([Number.NaN, Infinity, -Infinity].map(jsonDouble)).toEqual(['"NaN"', '"Infinity"', '"-Infinity"']);
  });
});

describe("Java Float.toString spelling", () => {
  it.each(FLOATS)("spells float32(%d) as %s", (value, java) => {
    const float = Math.fround(value);
    expect(javaFloatString(float)).toBe(java);
    expect(Math.fround(Number(java))).toBe(float);
  });

  it("renders NaN and the infinities as JSON strings", () => {
    expect([Number.NaN, Infinity, -Infinity].map(jsonFloat)).toEqual(['"NaN"', '"Infinity"', '"-Infinity"']);
  });

  it("picks the shortest digits that round back to the same float32, for many floats", () => {
    const view = new DataView(new ArrayBuffer(4));
    for (let bits = 0x00000001; bits < 0x7f800000; bits += 0x00f0f0f1) {
      view.setUint32(0, bits);
      const float = view.getFloat32(0);
      const text = javaFloatString(float);
      expect(Math.fround(Number(text))).toBe(float);
      const digits = text
        .replace(/E.*$/, "")
        .replace("-", "")
        .replace(".", "")
        .replace(/^0+/, "")
        .replace(/0+$/, "");
      // one digit shorter never round-trips (Java's minimal length, except the length-1-or-2 rule)
      if (digits.length > 2) {
        const shorter = Number(float.toPrecision(digits.length - 1));
        expect(Math.fround(shorter)).not.toBe(float);
      }
    }
  });
});

describe("Java spellings, properties over random bit patterns", () => {
  /** Significant digits of a Java spelling, without sign, point, exponent and leading/trailing zeros. */
  function significant(text: string): string {
    return text.replace(/E.*$/, "").replace("-", "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  }

  it("spells every finite double so that it parses back to itself, with JS's shortest digits when normal", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = javaDoubleString(value);
        expect(Object.is(Number(text), value)).toBe(true);
        expect(text).toMatch(/^-?\d+\.\d+(E-?\d+)?$/);
        const abs = Math.abs(value);
        if (abs >= 2.2250738585072014e-308) {
          const js = abs.toExponential().replace(/e.*$/, "").replace(".", "");
          expect(significant(text)).toBe(js.replace(/0+$/, ""));
        }
        const plain = abs >= 1e-3 && abs < 1e7;
        expect(text.includes("E")).toBe(value !== 0 && !plain);
      }),
      { numRuns: 2000 },
    );
  });

  it("spells every finite float so that it rounds back to itself in 32 bits, and no shorter spelling does", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = javaFloatString(value);
        expect(Object.is(Math.fround(Number(text)), value)).toBe(true);
        const digits = significant(text).length;
        if (digits > 2) {
          const shorter = Math.abs(value).toPrecision(digits - 1);
          const below = Number(shorter);
          // Neither neighbour on the shorter grid rounds back to the float.
          const step = 10 ** (Math.floor(Math.log10(Math.abs(below))) - (digits - 2));
          for (const candidate of [below - step, below, below + step]) {
            expect(Math.fround(candidate)).not.toBe(Math.abs(value));
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("takes the same spelling on the quick path as the exact search", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(javaFloatString(value)).toBe(javaFloatStringExact(value));
      }),
      { numRuns: 5000 },
    );
  });
});
