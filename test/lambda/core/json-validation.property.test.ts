import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderPayload } from "../../../lambda/core/decode-payload";

// The JSON check is a hand-written scanner (it allocates nothing, unlike JSON.parse): JSON.parse is
// its oracle. Any disagreement is a bug: a valid document dead-lettered, or invalid JSON on the bus.

const acceptedByJsonParse = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const acceptedAsJson = (text: string) =>
  renderPayload(Buffer.from(text, "utf8").toString("base64"), "json").ok;

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

describe("JSON validation agrees with JSON.parse", () => {
  it("accepts every JSON document fast-check generates", () => {
    fc.assert(
      fc.property(fc.json(), (text) => acceptedAsJson(text)),
      { numRuns: 2_000 },
    );
  });

  it("accepts and rejects mutated documents exactly as JSON.parse does", () => {
    fc.assert(
      fc.property(mutated, (text) => acceptedAsJson(text) === acceptedByJsonParse(text)),
      {
        numRuns: 5_000,
      },
    );
  });

  it("agrees with JSON.parse on arbitrary short strings", () => {
    const alphabet = fc.constantFrom(...'{}[]",:0123456789.-+eEtrufalsn \t\r\n\\/u'.split(""));
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 12 }),
        (text) => acceptedAsJson(text) === acceptedByJsonParse(text),
      ),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ["deep nesting", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
    ["leading zero", "01"],
    ["lone minus", "-"],
    ["trailing comma", "[1,]"],
    ["escaped unicode", '"\\u00e9\\ud83d\\ude00"'],
    ["bad escape", '"\\x41"'],
    ["raw control character", '"a\u0001b"'],
    ["two documents", "{} {}"],
    ["surrounding whitespace", " \n\t{}\r\n "],
    ["exponent without digits", "1e+"],
  ])("agrees on %s", (_, text) => {
    expect(acceptedAsJson(text)).toBe(acceptedByJsonParse(text));
  });
});
