import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_VALUE_DEPTH, renderPayload, scanJson } from "../../../lambda/core/decode-payload";

// The JSON check is a hand-written one-pass scanner (it allocates nothing, unlike JSON.parse) that also
// compacts the text and enforces PutEvents' limits. Its oracle is built from independent parts:
// JSON.parse says what is JSON; a naive character walker says what lies outside strings, and from it
// what the compact text must be, which integers the text spells and how deep it nests.

const acceptedByJsonParse = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** `text` with its strings replaced by `""` and its whitespace outside strings dropped (naive walk). */
function outsideStrings(text: string): { compact: string; skeleton: string } {
  let compact = "";
  let skeleton = "";
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (inString) {
      compact += c;
      if (c === "\\") {
        compact += text.charAt(i + 1);
        i += 1;
      } else if (c === '"') {
        inString = false;
        skeleton += '""';
      }
    } else if (c === '"') {
      inString = true;
      compact += c;
    } else if (!" \t\n\r".includes(c)) {
      compact += c;
      skeleton += c;
    }
  }
  return { compact, skeleton };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** What the scanner must answer for `text`, from JSON.parse and the naive walk. */
function expected(text: string): { ok: true; json: string } | { ok: false; problem: string } {
  if (!acceptedByJsonParse(text)) return { ok: false, problem: "InvalidJson" };
  const { compact, skeleton } = outsideStrings(text);
  let depth = 0;
  let deepest = 0;
  for (const c of skeleton) {
    if (c === "[" || c === "{") deepest = Math.max(deepest, ++depth);
    else if (c === "]" || c === "}") depth -= 1;
  }
  const integers = (skeleton.match(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g) ?? []).filter((n) => /^-?\d+$/.test(n));
  const outOfRange = integers.some((n) => BigInt(n) < INT64_MIN || BigInt(n) > INT64_MAX);
  // The scanner stops at the first problem, so with both only "one of the two" can be required.
  if (outOfRange && deepest > MAX_VALUE_DEPTH) return { ok: false, problem: "either" };
  if (outOfRange) return { ok: false, problem: "IntegerOutOfRange" };
  if (deepest > MAX_VALUE_DEPTH) return { ok: false, problem: "NestingTooDeep" };
  return { ok: true, json: compact };
}

function agrees(text: string): boolean {
  const actual = scanJson(text);
  const oracle = expected(text);
  if (!oracle.ok) {
    if (actual.ok) return false;
    // The scan stops at the first problem: text that is not JSON may be refused for a limit it
    // breaks before the syntax error.
    if (oracle.problem === "InvalidJson") return true;
    if (oracle.problem === "either")
      return actual.problem === "IntegerOutOfRange" || actual.problem === "NestingTooDeep";
    return actual.problem === oracle.problem;
  }
  if (!actual.ok || actual.json !== oracle.json) return false;
  // Compaction never changes the document.
  expect(JSON.parse(actual.json)).toEqual(JSON.parse(text));
  return true;
}

const acceptedAsJson = (text: string) =>
  renderPayload(Buffer.from(text, "utf8").toString("base64"), "json").ok;

const WHITESPACE = fc.constantFrom(" ", "\n", "\t", "\r\n", "  ", "\n    ");

/** A valid document with whitespace inserted at random places (inside strings and numbers too). */
const spaced = fc
  .tuple(fc.json(), fc.array(fc.tuple(fc.nat(), WHITESPACE), { maxLength: 8 }))
  .map(([text, insertions]) => {
    let result = text;
    for (const [at, space] of insertions) {
      const index = at % (result.length + 1);
      result = result.slice(0, index) + space + result.slice(index);
    }
    return result;
  });

/** A valid document with one character deleted, replaced or inserted somewhere. */
const mutated = fc
  .tuple(
    fc.json(),
    fc.nat(),
    fc.constantFrom("delete", "replace", "insert"),
    fc.constantFrom(...'{}[]",:.-+eE0123456789 \\tnulfas\u0000\n'),
  )
  .map(([text, at, how, char]) => {
    const index = text.length === 0 ? 0 : at % text.length;
    if (how === "delete") return text.slice(0, index) + text.slice(index + 1);
    if (how === "replace") return text.slice(0, index) + char + text.slice(index + 1);
    return text.slice(0, index) + char + text.slice(index);
  });

/** Numbers around the signed 64-bit limits, spelled as integers, with a fraction or an exponent. */
const boundaryNumber = fc
  .tuple(
    fc.bigInt({ min: INT64_MIN - 1000n, max: INT64_MAX + 1000n }),
    fc.constantFrom("", ".0", "e0", "E+2", ".5e-3"),
    fc.constantFrom(" ", "", "\n"),
  )
  .map(([n, suffix, space]) => `[${space}${n}${suffix}${space},${space}-0${space}]`);

describe("the JSON scan agrees with its oracle", () => {
  it("accepts every JSON document fast-check generates within the limits, unchanged (they are compact)", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const scanned = scanJson(text);
        return agrees(text) && (!scanned.ok || scanned.json === text);
      }),
      { numRuns: 2_000 },
    );
  });

  it("compacts documents with whitespace anywhere, or refuses them exactly as the oracle does", () => {
    fc.assert(fc.property(spaced, agrees), { numRuns: 3_000 });
  });

  it("accepts and rejects mutated documents exactly as the oracle does", () => {
    fc.assert(fc.property(mutated, agrees), { numRuns: 5_000 });
  });

  it("agrees on arbitrary short strings", () => {
    const alphabet = fc.constantFrom(...'{}[]",:0123456789.-+eEtrufalsn \t\r\n\\/u'.split(""));
    fc.assert(fc.property(fc.string({ unit: alphabet, maxLength: 12 }), agrees), { numRuns: 5_000 });
  });

  it("draws the line at the signed 64-bit integer limits", () => {
    fc.assert(fc.property(boundaryNumber, agrees), { numRuns: 2_000 });
  });

  it.each([
    ["leading zero", "01"],
    ["lone minus", "-"],
    ["trailing comma", "[1,]"],
    ["escaped unicode", '"\\u00e9\\ud83d\\ude00"'],
    ["bad escape", '"\\x41"'],
    ["raw control character", '"a\u0001b"'],
    ["two documents", "{} {}"],
    ["surrounding whitespace", " \n\t{}\r\n "],
    ["exponent without digits", "1e+"],
    ["U+2028 and U+2029 inside a string", '{ "a" : "x\u2028y\u2029z" }'],
    ["non-breaking space outside strings (not JSON whitespace)", "[1,\u00a02]"],
    ["the int64 limits", "[ -9223372036854775808 , 9223372036854775807 ]"],
    ["one past the int64 limits", "[9223372036854775808]"],
    ["one below the int64 minimum", "[-9223372036854775809]"],
    ["a big number with a fraction or exponent", "[123456789012345678901234567890.0, 1E+30]"],
    ["nesting at the limit", `${"[".repeat(MAX_VALUE_DEPTH)}${"]".repeat(MAX_VALUE_DEPTH)}`],
    ["nesting past the limit", `${"[".repeat(MAX_VALUE_DEPTH + 1)}${"]".repeat(MAX_VALUE_DEPTH + 1)}`],
    ["deep nesting", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
    ["deep objects", `${'{"a":'.repeat(MAX_VALUE_DEPTH + 1)}1${"}".repeat(MAX_VALUE_DEPTH + 1)}`],
  ])("agrees on %s", (_, text) => {
    expect(agrees(text)).toBe(true);
  });

  it("keeps renderPayload's json format in step with the scan", () => {
    fc.assert(
      fc.property(mutated, (text) => acceptedAsJson(text) === (expected(text).ok || text === "")),
      { numRuns: 1_000 },
    );
  });
});
