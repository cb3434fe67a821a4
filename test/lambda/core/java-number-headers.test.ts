import { describe, expect, it } from "vitest";
import { javaDoubleString, javaFloatString } from "../../../lambda/core/java-number";

// What JDK 19+ prints (the shortest decimal that reads back, the closest of them, ties to even,
// two digits considered when one would do); the e2e oracle compares the same against a real JVM.
describe("javaDoubleString", () => {
  it.each([
    [1, "1.0"],
    [100, "100.0"],
    [-0, "-0.0"],
    [0.001, "0.001"],
    [1e-4, "1.0E-4"],
    [9_999_999, "9999999.0"],
    [1e7, "1.0E7"],
    [1e23, "1.0E23"],
    [1.5e300, "1.5E300"],
    [Number.MIN_VALUE, "4.9E-324"],
    [Number.MAX_VALUE, "1.7976931348623157E308"],
    [-1.1, "-1.1"],
  ])("prints %s as %s", (value, text) => {
    expect(javaDoubleString(value)).toBe(text);
  });
});

describe("javaFloatString", () => {
  it.each([
    [Math.fround(1.1), "1.1"],
    [Math.fround(Math.PI), "3.1415927"],
    [Math.fround(1e-44), "9.8E-45"],
    [Math.fround(1e-45), "1.4E-45"],
    [2_754_599.25, "2754599.2"],
    [Math.fround(1e30), "1.0E30"],
    [Math.fround(12_345_678.9), "1.2345679E7"],
    [Math.fround(3.4028235e38), "3.4028235E38"],
    [-0, "-0.0"],
  ])("prints the float %s as %s", (value, text) => {
    expect(javaFloatString(value)).toBe(text);
  });
});
