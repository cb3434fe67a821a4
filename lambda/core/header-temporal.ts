/**
 * The ISO-8601 literals Kafka Connect's `Values.parseString` recognises in a header, parsed the way
 * it parses them: `java.text.SimpleDateFormat` with the patterns `yyyy-MM-dd`, `HH:mm:ss.SSS'Z'` and
 * `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`, chosen by the text's length (10, 13, 24), lenient (a month 13 rolls
 * into the next year), on the Julian calendar before the Gregorian cutover of 1582-10-15, and in the
 * worker's time zone, taken here to be UTC (the Connect images run in UTC; `'Z'` is only a literal).
 * The result is the `java.util.Date` as epoch milliseconds.
 * https://github.com/apache/kafka/blob/trunk/connect/api/src/main/java/org/apache/kafka/connect/data/Values.java
 */

/** A Connect temporal logical type, by its schema name. */
export type TemporalType = "Date" | "Time" | "Timestamp";

export interface Temporal {
  readonly type: TemporalType;
  /** The `java.util.Date`'s epoch milliseconds. */
  readonly ms: number;
}

export const MILLIS_PER_DAY = 86_400_000;

type Field = "y" | "M" | "d" | "H" | "m" | "s" | "S";
type Pattern = readonly (Field | { readonly literal: string })[];

const DATE: Pattern = ["y", { literal: "-" }, "M", { literal: "-" }, "d"];
const TIME: Pattern = [
  "H",
  { literal: ":" },
  "m",
  { literal: ":" },
  "s",
  { literal: "." },
  "S",
  { literal: "Z" },
];
const TIMESTAMP: Pattern = [...DATE, { literal: "T" }, ...TIME];

/**
 * `SimpleDateFormat.parse(text, position)`: fields are read in order, each a number (spaces and tabs
 * before it skipped, an optional `-`, then digits, as its `DecimalFormat` reads integers), literals
 * must match; text after the pattern is ignored.
 */
function parseFields(text: string, pattern: Pattern): Map<Field, number> | undefined {
  const fields = new Map<Field, number>();
  let i = 0;
  for (const part of pattern) {
    if (typeof part !== "string") {
      if (text.charAt(i) !== part.literal) return undefined;
      i += 1;
      continue;
    }
    while (text.charAt(i) === " " || text.charAt(i) === "\t") i += 1;
    const negative = text.charAt(i) === "-";
    if (negative) i += 1;
    const start = i;
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i += 1;
    if (i === start) return undefined;
    const value = Number(text.slice(start, i));
    fields.set(part, negative ? -value : value);
  }
  return fields;
}

const floorDiv = (a: number, b: number) => Math.floor(a / b);

/** Days from 1970-01-01 to the first of `month` (0-based, already normalised) of proleptic Gregorian `year`. */
function gregorianDays(year: number, month: number, day: number): number {
  const y = month < 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = (month + 10) % 12;
  const doy = floorDiv(153 * mp + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The same on the Julian calendar (astronomical year numbering, as lenient `GregorianCalendar` uses). */
function julianDays(year: number, month: number, day: number): number {
  const y = month < 2 ? year - 1 : year;
  const mp = (month + 10) % 12;
  const doy = floorDiv(153 * mp + 2, 5) + day - 1;
  // Days from 0000-03-01 Julian to 1970-01-01 (Gregorian) is 719,470.
  return y * 365 + floorDiv(y, 4) + doy - 719_470;
}

const GREGORIAN_CUTOVER_DAYS = gregorianDays(1582, 9, 15);

/** Epoch days of a lenient year/month/day, on Java's hybrid Julian–Gregorian calendar. */
function epochDays(year: number, month1: number, day: number): number {
  const month0 = month1 - 1;
  const normalisedYear = year + floorDiv(month0, 12);
  const month = month0 - floorDiv(month0, 12) * 12;
  const gregorian = gregorianDays(normalisedYear, month, 1) + day - 1;
  if (gregorian >= GREGORIAN_CUTOVER_DAYS) return gregorian;
  return julianDays(normalisedYear, month, 1) + day - 1;
}

function millis(fields: Map<Field, number>): number {
  const days = fields.has("y")
    ? epochDays(fields.get("y") ?? 1970, fields.get("M") ?? 1, fields.get("d") ?? 1)
    : 0;
  return (
    days * MILLIS_PER_DAY +
    (fields.get("H") ?? 0) * 3_600_000 +
    (fields.get("m") ?? 0) * 60_000 +
    (fields.get("s") ?? 0) * 1_000 +
    (fields.get("S") ?? 0)
  );
}

/** Which literal a text may be, by its length (as Connect decides it). */
const LITERAL_BY_LENGTH: ReadonlyMap<number, { readonly type: TemporalType; readonly pattern: Pattern }> =
  new Map([
    [13, { type: "Time", pattern: TIME }],
    [24, { type: "Timestamp", pattern: TIMESTAMP }],
    [10, { type: "Date", pattern: DATE }],
  ]);

/** `ValueParser.parseAsTemporal`: a Date, Time or Timestamp literal, or undefined. */
export function parseTemporal(token: string): Temporal | undefined {
  // "If the colons were escaped, we'll see the escape chars and need to remove them."
  // (replaceAll copies the text even when nothing matches: most tokens have no escape.)
  const text = token.includes("\\:") ? token.replaceAll("\\:", ":") : token;
  const literal = LITERAL_BY_LENGTH.get(text.length);
  if (literal === undefined) return undefined;
  const { type, pattern } = literal;
  const fields = parseFields(text, pattern);
  if (fields === undefined) return undefined;
  const ms = millis(fields);
  return Number.isSafeInteger(ms) ? { type, ms } : undefined;
}
