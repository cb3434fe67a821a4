/**
 * Java's `Double.toString` / `Float.toString` (JDK 19+: the shortest decimal that reads back as the
 * same value), which is how the connector's Jackson writes a Connect FLOAT64 / FLOAT32: plain notation
 * for 10^-3 <= |x| < 10^7 with at least one fraction digit (`1.0`), otherwise computerized scientific
 * notation (`1.0E10`, `1.0E-5`).
 * https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/lang/Double.html#toString(double)
 */

/** Formats the decimal `0.d1d2...dn × 10^exponent` (digits without leading zeros) as Java does. */
function javaFormat(negative: boolean, digits: string, pointAt: number): string {
  // pointAt: the decimal point sits after `pointAt` digits (value = digits × 10^(pointAt - n)).
  const sign = negative ? "-" : "";
  if (pointAt >= -2 && pointAt <= 7) {
    if (pointAt <= 0) return `${sign}0.${"0".repeat(-pointAt)}${digits}`;
    if (pointAt >= digits.length) return `${sign}${digits}${"0".repeat(pointAt - digits.length)}.0`;
    return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  }
  const fraction = digits.length > 1 ? digits.slice(1) : "0";
  return `${sign}${digits.charAt(0)}.${fraction}E${pointAt - 1}`;
}

/** The shortest digits of `value` and where its point goes, from a JavaScript exponential spelling. */
function shortest(text: string): { digits: string; pointAt: number } {
  const [mantissa = "0", exponent = "0"] = text.split("e");
  const digits = mantissa.replace(".", "").replace(/0+$/, "") || "0";
  return { digits, pointAt: Number(exponent) + 1 };
}

/** Java's `Double.toString(value)` for a finite double. */
export function javaDoubleToString(value: number): string {
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const { digits, pointAt } = shortest(Math.abs(value).toExponential());
  return javaFormat(value < 0, digits, pointAt);
}

/** Java's `Float.toString(value)` for a finite float32 (given as the double it widens to). */
export function javaFloatToString(value: number): string {
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  for (let precision = 1; precision < 10; precision += 1) {
    const text = magnitude.toExponential(precision - 1);
    if (Math.fround(Number(text)) === magnitude) {
      const { digits, pointAt } = shortest(text);
      return javaFormat(value < 0, digits, pointAt);
    }
  }
  return javaDoubleToString(value);
}
