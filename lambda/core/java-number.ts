/**
 * Java's `Double.toString` and `Float.toString` spellings (JDK 19 and later, which print the shortest
 * decimal that rounds back: https://bugs.openjdk.org/browse/JDK-4511638), as the connector's JSON shows
 * Avro and Protobuf `double` and `float` values and the Float/Double values Kafka Connect infers from
 * header text. The rules, from the JDK 19+ Javadoc of `Double.toString(double)`:
 * - the decimal d chosen is among those that round to x, of minimal length n; when n is 1, among those
 *   of length 1 or 2 (so `Double.MIN_VALUE` is `4.9E-324`, not `5.0E-324`); the one closest to x, and
 *   of two, the one whose last digit is even;
 * - 10^-3 <= |x| < 10^7: plain decimal with at least one digit after the point (`100.0`, `0.001`);
 *   otherwise computerized scientific notation `d.ddd E n` with at least one fraction digit (`1.0E-7`).
 * https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/lang/Double.html#toString(double)
 *
 * ECMAScript's `Number.prototype.toString` picks the same digits for doubles (shortest, closest, even
 * on ties) except for the length-1 case, which only differs for subnormals: those, and every float32,
 * go through the exact search below.
 */

/** JSON text of a Java double: a number in Java's spelling, or the string "NaN"/"Infinity"/"-Infinity". */
export function jsonDouble(x: number): string {
  if (!Number.isFinite(x)) return `"${nonFinite(x)}"`;
  return javaDoubleString(x);
}

/** JSON text of a Java float (x must hold a float32 value), as `jsonDouble`. */
export function jsonFloat(x: number): string {
  if (!Number.isFinite(x)) return `"${nonFinite(x)}"`;
  return javaFloatString(x);
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
}

/** Smallest positive normal double (2^-1022): below it, the length-1 rule may pick two digits. */
const MIN_NORMAL_DOUBLE = 2.2250738585072014e-308;

/** `Double.toString(x)` for a finite x. */
export function javaDoubleString(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const negative = x < 0;
  const abs = Math.abs(x);
  // The common case: in this range both languages print the same shortest digits in plain notation;
  // Java adds ".0" to an integer.
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = String(x);
    return plain.includes(".") ? plain : `${plain}.0`;
  }
  // "1.2345e+8" -> digits 12345, exponent 8
  const exponential = abs.toExponential();
  const ePos = exponential.indexOf("e");
  let digits = exponential.slice(0, ePos).replace(".", "");
  let exponent = Number(exponential.slice(ePos + 1));
  if (digits.length === 1 && abs < MIN_NORMAL_DOUBLE) {
    ({ digits, exponent } = exactShortest(decomposeDouble(abs), 17));
  }
  return javaFormat(negative, digits, exponent);
}

/** `Float.toString(x)` for a finite x holding a float32 value. */
export function javaFloatString(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  const { digits, exponent } = quickFloatDigits(abs) ?? exactShortest(decomposeFloat(abs), 9);
  return javaFormat(x < 0, digits, exponent);
}

/** `Float.toString(x)` by the exact search alone: what the quick path must agree with (for tests). */
export function javaFloatStringExact(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const { digits, exponent } = exactShortest(decomposeFloat(Math.abs(x)), 9);
  return javaFormat(x < 0, digits, exponent);
}

/** Whether the double d lies exactly halfway between two floats, where parsing through a double can misround. */
function isFloatMidpoint(d: number): boolean {
  const f = Math.fround(d);
  if (f === d) return false;
  view.setFloat32(0, f);
  const bits = view.getUint32(0);
  view.setUint32(0, f < d ? bits + 1 : bits - 1);
  return (f + view.getFloat32(0)) / 2 === d;
}

/** "1.25e-7" or "0.00125" as significant digits and the exponent of the first one. */
function decimalParts(text: string): { digits: string; exponent: number } {
  const e = text.indexOf("e");
  const mantissa = e < 0 ? text : text.slice(0, e);
  const point = mantissa.indexOf(".");
  const all = mantissa.replace(".", "");
  let lead = 0;
  while (all[lead] === "0") lead += 1;
  return {
    digits: all.slice(lead).replace(/0+$/, ""),
    exponent: (point < 0 ? mantissa.length : point) - 1 - lead + (e < 0 ? 0 : Number(text.slice(e + 1))),
  };
}

/**
 * The shortest float digits from `toPrecision` (closest p-digit decimal to x), for normal floats
 * that are not a power of two, whose rounding interval is symmetric: there the closest p-digit
 * decimal rounds back to x whenever any does. Gives up (undefined) on what it cannot settle
 * without exact arithmetic: x exactly halfway between two candidates (Java takes the even one,
 * `toPrecision` the larger), and a candidate that parses to a float midpoint.
 */
function quickFloatDigits(abs: number): { digits: string; exponent: number } | undefined {
  view.setFloat32(0, abs);
  const bits = view.getUint32(0);
  if (bits >>> 23 === 0 || (bits & 0x7fffff) === 0) return undefined;
  // A longer closest decimal is never farther, so the lengths that round back form a range: bisect.
  let lo = 1;
  let hi = 9;
  let text = abs.toPrecision(9);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const candidate = abs.toPrecision(mid);
    const parsed = Number(candidate);
    if (isFloatMidpoint(parsed)) return undefined;
    if (Math.fround(parsed) === abs) {
      hi = mid;
      text = candidate;
    } else lo = mid + 1;
  }
  if (isFloatMidpoint(Number(text)) || Math.fround(Number(text)) !== abs) return undefined;
  const finer = abs.toPrecision(hi + 1);
  const last = finer.indexOf("e") < 0 ? finer.at(-1) : finer[finer.indexOf("e") - 1];
  if (last === "5" && Number(finer) === abs) return undefined;
  return decimalParts(text);
}

/** The digits d1d2...dn and exponent e of d1.d2...dn × 10^e, in Java's layout. */
function javaFormat(negative: boolean, digits: string, exponent: number): string {
  const sign = negative ? "-" : "";
  if (exponent >= -3 && exponent < 7) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const integer =
      digits.length > exponent + 1 ? digits.slice(0, exponent + 1) : digits.padEnd(exponent + 1, "0");
    const fraction = digits.length > exponent + 1 ? digits.slice(exponent + 1) : "0";
    return `${sign}${integer}.${fraction}`;
  }
  return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : "0"}E${exponent}`;
}

/** A positive finite binary value m × 2^e, and whether its lower neighbour is half as far as the upper. */
interface Binary {
  readonly m: bigint;
  readonly e: number;
  readonly lowerCloser: boolean;
}

const view = new DataView(new ArrayBuffer(8));

function decomposeFloat(abs: number): Binary {
  view.setFloat32(0, abs);
  const bits = view.getUint32(0);
  const biased = bits >>> 23;
  const fraction = bits & 0x7fffff;
  if (biased === 0) return { m: BigInt(fraction), e: -149, lowerCloser: false };
  return { m: BigInt(fraction | 0x800000), e: biased - 150, lowerCloser: fraction === 0 && biased > 1 };
}

function decomposeDouble(abs: number): Binary {
  view.setFloat64(0, abs);
  const high = view.getUint32(0);
  const biased = high >>> 20;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (biased === 0) return { m: fraction, e: -1074, lowerCloser: false };
  return { m: fraction | (1n << 52n), e: biased - 1075, lowerCloser: fraction === 0n && biased > 1 };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/**
 * The decimal Java picks for x = m × 2^e, by exact arithmetic: for each length p from 1, the grid
 * points just below and above x at that length; keep those that round back to x (round half to even,
 * so an interval end counts when m is even); the first length with any wins, closest first, then even.
 */
function exactShortest(x: Binary, maxDigits: number): { digits: string; exponent: number } {
  // x as the fraction xN / xD
  const xN = x.e >= 0 ? x.m << BigInt(x.e) : x.m;
  const xD = x.e >= 0 ? 1n : 1n << BigInt(-x.e);
  // E = floor(log10 x), estimated then made exact.
  let E = Math.floor(Math.log10(Number(x.m)) + x.e * Math.LOG10E * Math.LN2);
  const below = (k: number): boolean => (k >= 0 ? xN < pow10(k) * xD : xN * pow10(-k) < xD);
  while (below(E)) E -= 1;
  while (!below(E + 1)) E += 1;
  const grid: Grid = { x, xN, xD, E, even: (x.m & 1n) === 0n, shift: BigInt(Math.max(x.e, 0) + 1) };
  for (let p = 1; p <= maxDigits; p += 1) {
    const found = closestAtLength(grid, p);
    if (found === undefined) continue;
    // Length 1 found: Java chooses among lengths 1 and 2, so look once more on the finer grid.
    return p === 1 ? (closestAtLength(grid, 2) ?? found) : found;
  }
  // Unreachable for float32/float64: 9 and 17 digits always round-trip.
  throw new RangeError(`no decimal of up to ${maxDigits} digits rounds to the value`);
}

interface Grid {
  readonly x: Binary;
  /** x as the fraction xN / xD. */
  readonly xN: bigint;
  readonly xD: bigint;
  /** floor(log10 x). */
  readonly E: number;
  readonly even: boolean;
  /** 4 × half an ulp over the denominator xD is 2^shift. */
  readonly shift: bigint;
}

/** Of the two p-digit grid points around x, the one closest to x that rounds back to it (even on a tie). */
function closestAtLength(grid: Grid, p: number): { digits: string; exponent: number } | undefined {
  const { x, xN, xD, E, even, shift } = grid;
  const s = E - p + 1; // grid step 10^s
  const stepN = s >= 0 ? pow10(s) : 1n;
  const stepD = s >= 0 ? 1n : pow10(-s);
  // Distances are 4 × (k × step − x) over the common denominator xD × stepD.
  const halfUp = stepD << shift;
  const halfDown = x.lowerCloser ? halfUp >> 1n : halfUp;
  const floor = (xN * stepD) / (stepN * xD);
  let best: { k: bigint; d: bigint } | undefined;
  for (const k of [floor, floor + 1n]) {
    const d = 4n * (k * stepN * xD - xN * stepD);
    const inside =
      d >= 0n ? d < halfUp || (d === halfUp && even) : -d < halfDown || (-d === halfDown && even);
    if (!inside) continue;
    const magnitude = d < 0n ? -d : d;
    if (best === undefined || magnitude < best.d || (magnitude === best.d && (k & 1n) === 0n)) {
      best = { k, d: magnitude };
    }
  }
  return best === undefined ? undefined : toDigits(best.k, s);
}

/** k × 10^s as significant digits (trailing zeros dropped) and the exponent of the first digit. */
function toDigits(k: bigint, s: number): { digits: string; exponent: number } {
  const text = k.toString();
  const digits = text.replace(/0+$/, "");
  return { digits, exponent: s + text.length - 1 };
}
