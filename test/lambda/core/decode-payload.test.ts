import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64, MAX_VALUE_DEPTH, renderPayload } from "../../../lambda/core/decode-payload";
import { base64 } from "../../../tooling/kafka-records";

const FORMATS = ["json", "string", "base64", "auto"] as const;
const NOT_UTF8 = Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]);

function rendered(payload: string | Uint8Array, format: (typeof FORMATS)[number]): string {
  const result = renderPayload(base64(payload), format);
  if (!result.ok) throw new Error(`expected ${format} to render, got ${result.code}`);
  return result.json;
}

describe("renderPayload", () => {
  it.each(FORMATS)("renders an absent or null payload as null with format %s", (format) => {
    expect(renderPayload(null, format)).toMatchObject({ ok: true, json: "null" });
    expect(renderPayload(undefined, format)).toMatchObject({ ok: true, json: "null" });
  });

  describe("json", () => {
    it("embeds a JSON value compact, keeping key order, 1.10, 1E+2, escapes and integers beyond 2^53", () => {
      const text =
        ' {"zeta": 1.10,\n  "alpha": 1234567890123456789, "n": [1E+2 , -0.0],\r\n "s": " a\\n\\u0041 " }\t';
      expect(rendered(text, "json")).toBe(
        '{"zeta":1.10,"alpha":1234567890123456789,"n":[1E+2,-0.0],"s":" a\\n\\u0041 "}',
      );
    });

    it("keeps U+2028, U+2029 and non-ASCII inside strings, and drops only JSON whitespace outside them", () => {
      expect(rendered('{ "a" : "x\u2028 y\u2029" ,\n "b" : [ { } , [ ] ] }', "json")).toBe(
        '{"a":"x\u2028 y\u2029","b":[{},[]]}',
      );
    });

    it("keeps duplicate object names as produced (EventBridge parses detail itself)", () => {
      expect(rendered('{"a": 1, "a": 2}', "json")).toBe('{"a":1,"a":2}');
    });

    it("renders an empty value as null, as the connector's JsonConverter does", () => {
      expect(renderPayload("", "json")).toEqual({ ok: true, json: "null", text: undefined });
    });

    it.each([
      ["9223372036854775808", "IntegerOutOfRange"],
      ['{"n": -9223372036854775809}', "IntegerOutOfRange"],
      ["12345678901234567891234567890", "IntegerOutOfRange"],
      [`${"[".repeat(MAX_VALUE_DEPTH + 1)}${"]".repeat(MAX_VALUE_DEPTH + 1)}`, "NestingTooDeep"],
    ])("refuses %s as %s, a limit of PutEvents", (text, code) => {
      expect(renderPayload(base64(text), "json")).toMatchObject({ ok: false, code });
    });

    it("accepts the int64 limits, big numbers that are not integers, and nesting at the limit", () => {
      const limits = "[-9223372036854775808,9223372036854775807,1E+30,12345678901234567891.5]";
      expect(rendered(limits, "json")).toBe(limits);
      const deep = `${"[".repeat(MAX_VALUE_DEPTH)}${"]".repeat(MAX_VALUE_DEPTH)}`;
      expect(rendered(deep, "json")).toBe(deep);
    });

    it("embeds JSON scalars and non-ASCII text as produced", () => {
      expect(rendered('"héllo ☕ 😀"', "json")).toBe('"héllo ☕ 😀"');
      expect(rendered("42", "json")).toBe("42");
      expect(rendered("null", "json")).toBe("null");
    });

    it("exposes the JSON text for JSONPath lookups", () => {
      expect(renderPayload(base64('{"a":1}'), "json")).toEqual({
        ok: true,
        json: '{"a":1}',
        text: '{"a":1}',
      });
    });

    it.each(["{broken json", " ", "{'a':1}", '{"a":1}x', "NaN"])("reports %j as InvalidJson", (text) => {
      expect(renderPayload(base64(text), "json")).toMatchObject({ ok: false, code: "InvalidJson" });
    });

    it("reports bytes that are not UTF-8 as InvalidUtf8", () => {
      expect(renderPayload(base64(NOT_UTF8), "json")).toMatchObject({ ok: false, code: "InvalidUtf8" });
    });
  });

  describe("string", () => {
    it("renders UTF-8 text as a JSON string, escaping what JSON needs", () => {
      const text = 'héllo "☕" \\ 😀\n\u0001';
      const json = rendered(text, "string");
      expect(JSON.parse(json)).toBe(text);
      expect(json.startsWith('"')).toBe(true);
    });

    it("keeps JSON text as a string rather than embedding it", () => {
      expect(rendered('{"a":1}', "string")).toBe('"{\\"a\\":1}"');
    });

    it("renders empty bytes as the empty string", () => {
      expect(rendered("", "string")).toBe('""');
    });

    it.each([
      ["a lone 0xff byte", [0x61, 0xff]],
      ["a truncated sequence", [0xe2, 0x98]],
      ["an overlong encoding", [0xc0, 0xaf]],
      ["an encoded surrogate", [0xed, 0xa0, 0x80]],
    ])("reports %s as InvalidUtf8", (_, bytes) => {
      expect(renderPayload(base64(Uint8Array.from(bytes)), "string")).toMatchObject({
        ok: false,
        code: "InvalidUtf8",
      });
    });
  });

  describe("base64", () => {
    it("renders the base64 text as a JSON string, whatever the bytes", () => {
      const encoded = Buffer.from(NOT_UTF8).toString("base64");
      expect(renderPayload(encoded, "base64")).toMatchObject({ ok: true, json: `"${encoded}"` });
      expect(rendered('{"a":1}', "base64")).toBe(`"${base64('{"a":1}')}"`);
    });
  });

  describe("auto", () => {
    it("embeds JSON compact, otherwise as produced", () => {
      expect(rendered('{"b":1.10,"a":1234567890123456789}', "auto")).toBe(
        '{"b":1.10,"a":1234567890123456789}',
      );
    });

    it("falls back to a string for UTF-8 text that is not JSON", () => {
      expect(rendered("GET /health 200", "auto")).toBe('"GET /health 200"');
      expect(rendered("{not json, just text", "auto")).toBe('"{not json, just text"');
    });

    it("falls back to base64 for bytes that are not UTF-8", () => {
      expect(rendered(NOT_UTF8, "auto")).toBe(`"${Buffer.from(NOT_UTF8).toString("base64")}"`);
    });
  });
});

describe("canonical base64", () => {
  it.each([
    ["junk after padding", "eyJhIjoxfQ==Zm9v"],
    ["a character outside the alphabet", "e30*"],
    ["no base64 at all", "%%%"],
    ["a missing padding character", "e30"],
    ["whitespace", "e30 e30="],
    ["the URL-safe alphabet", "e3-_"],
    ["non-zero pad bits", "e31="],
    ["three padding characters", "e==="],
    ["padding in the middle", "e3=0"],
  ])("refuses %s (%j) as InvalidBase64 in every format", (_, text) => {
    for (const format of FORMATS) {
      expect(renderPayload(text, format)).toMatchObject({ ok: false, code: "InvalidBase64" });
    }
  });

  it("decodes exactly the texts that are the canonical encoding of their bytes", () => {
    const alphabet = fc.constantFrom(..."AZaz09+/=-_ *e3Q".split(""));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: alphabet, maxLength: 12 }), fc.base64String()), (text) => {
        const canonical = Buffer.from(text, "base64").toString("base64") === text;
        const decoded = decodeBase64(text);
        return canonical ? decoded?.toString("base64") === text : decoded === undefined;
      }),
      { numRuns: 5_000 },
    );
  });
});
