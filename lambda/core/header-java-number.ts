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

/**
 * Java picks, among the shortest decimals that read back as the value, the closest; and when one digit
 * is enough it also considers two (`Double.MIN_VALUE` is `4.9E-324`, not `5e-324`). The correctly
 * rounded two-digit decimal is that closest one whenever it reads back as the value.
 * https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/lang/Double.html#toString(double)
 */
function closestShortest(
  magnitude: number,
  shortestText: string,
  readsBack: (text: string) => boolean,
): string {
  if (/^\d(e|$)/.test(shortestText)) {
    const two = rounded(magnitude, 2);
    if (readsBack(two)) return two;
  }
  return shortestText;
}

/** Java's `Double.toString(value)` for a finite double. */
export function javaDoubleToString(value: number): string {
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  const text = closestShortest(magnitude, magnitude.toExponential(), (t) => Number(t) === magnitude);
  const { digits, pointAt } = shortest(text);
  return javaFormat(value < 0, digits, pointAt);
}

/** Whether the decimal `text` (JavaScript exponential notation) is exactly the double `value` (> 0). */
function isExactly(text: string, value: number): boolean {
  const [mantissa = "0", exponentText = "0"] = text.split("e");
  const fraction = mantissa.split(".")[1] ?? "";
  const n = BigInt(mantissa.replace(".", ""));
  const x = Number(exponentText) - fraction.length;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const m = (bits & ((1n << 52n) - 1n)) + (biased === 0 ? 0n : 1n << 52n);
  const e = (biased === 0 ? 1 : biased) - 1075;
  const left = n * 10n ** BigInt(Math.max(x, 0)) * 2n ** BigInt(Math.max(-e, 0));
  const right = m * 2n ** BigInt(Math.max(e, 0)) * 10n ** BigInt(Math.max(-x, 0));
  return left === right;
}

/**
 * `magnitude` rounded to `precision` significant digits, ties to the even digit as Java's decimal
 * conversion breaks them (`toExponential` breaks them upwards: 2754599.25 is 2754599.2 in Java).
 */
function rounded(magnitude: number, precision: number): string {
  const text = magnitude.toExponential(precision - 1);
  const finer = magnitude.toExponential(precision);
  const tie = /5e/.test(finer) && isExactly(finer, magnitude);
  const last = text.match(/(\d)e/)?.[1];
  if (!tie || last === undefined || Number(last) % 2 === 0 || last === "0") return text;
  // Rounded up from a tie onto an odd digit: the even neighbour below is as close.
  return text.replace(/(\d)e/, `${Number(last) - 1}e`);
}

/** Java's `Float.toString(value)` for a finite float32 (given as the double it widens to). */
export function javaFloatToString(value: number): string {
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  for (let precision = 1; precision < 10; precision += 1) {
    const text = rounded(magnitude, precision);
    const readsBack = (t: string) => Math.fround(Number(t)) === magnitude;
    if (readsBack(text)) {
      const { digits, pointAt } = shortest(
        precision === 1 ? closestShortest(magnitude, text, readsBack) : text,
      );
      return javaFormat(value < 0, digits, pointAt);
    }
  }
  return javaDoubleToString(value);
}
