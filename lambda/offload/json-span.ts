import type { PathSegment } from "./offload-path";

/**
 * Where a value sits in a JSON text. `start`/`end` bound the value itself; `removeStart`/`removeEnd`
 * bound what deleting it takes out (the member's name and one separating comma), so that the rest of
 * the text stays byte for byte as it was: number spellings, key order and big integers survive.
 */
export interface JsonSpan {
  readonly start: number;
  readonly end: number;
  readonly removeStart: number;
  readonly removeEnd: number;
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i += 1;
    else return i;
  }
}

/** Index after the string whose opening quote is at `from`. */
function stringEnd(text: string, from: number): number {
  let i = from + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) throw new SyntaxError("unterminated string");
    let backslashes = 0;
    for (let j = quote - 1; text.charCodeAt(j) === 0x5c; j -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** Index after the JSON value starting at `from` (no leading whitespace). */
function valueEnd(text: string, from: number): number {
  const first = text.charCodeAt(from);
  if (first === 0x22) return stringEnd(text, from);
  if (first !== 0x7b && first !== 0x5b) {
    let i = from;
    for (;;) {
      const c = text.charCodeAt(i);
      // A scalar (number, true, false, null) ends at a delimiter or at the end of the text.
      if (Number.isNaN(c) || c === 0x2c || c === 0x7d || c === 0x5d || c <= 0x20) return i;
      i += 1;
    }
  }
  let depth = 0;
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) throw new SyntaxError("unterminated object or array");
    if (c === 0x22) {
      i = stringEnd(text, i);
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth += 1;
    else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
    i += 1;
  }
}

/** The member or element of the container at `from` that `segment` names (the last one, as JSON.parse keeps). */
function child(text: string, from: number, segment: PathSegment): JsonSpan | undefined {
  const open = text.charCodeAt(from);
  const isObject = open === 0x7b;
  if (!(isObject || open === 0x5b) || isObject !== (typeof segment === "string")) return undefined;
  let found: JsonSpan | undefined;
  let previousEnd = -1;
  let index = 0;
  let i = skipWhitespace(text, from + 1);
  if (text.charCodeAt(i) === (isObject ? 0x7d : 0x5d)) return undefined;
  for (;;) {
    const memberStart = i;
    let matches: boolean;
    if (isObject) {
      const nameEnd = stringEnd(text, i);
      const raw = text.slice(i + 1, nameEnd - 1);
      matches = (raw.includes("\\") ? (JSON.parse(text.slice(i, nameEnd)) as string) : raw) === segment;
      i = skipWhitespace(text, nameEnd);
      if (text.charCodeAt(i) !== 0x3a) throw new SyntaxError("expected a colon");
      i = skipWhitespace(text, i + 1);
    } else matches = index === segment;
    const start = i;
    const end = valueEnd(text, start);
    i = skipWhitespace(text, end);
    const more = text.charCodeAt(i) === 0x2c;
    const next = more ? skipWhitespace(text, i + 1) : i;
    if (matches) {
      found =
        previousEnd >= 0
          ? { start, end, removeStart: previousEnd, removeEnd: end }
          : { start, end, removeStart: memberStart, removeEnd: more ? next : end };
    }
    if (!more) return found;
    previousEnd = end;
    index += 1;
    i = next;
  }
}

/**
 * Finds the value at `segments` in `text`, a JSON object, without parsing the rest of it; undefined
 * when the path selects nothing. Expects well-formed JSON (the entry's own `Detail`).
 */
export function findJsonSpan(text: string, segments: readonly PathSegment[]): JsonSpan | undefined {
  let span: JsonSpan | undefined;
  let at = skipWhitespace(text, 0);
  for (const segment of segments) {
    span = child(text, at, segment);
    if (span === undefined) return undefined;
    at = span.start;
  }
  return span;
}
