import { describe, expect, it } from "vitest";
import { renderHeaders, renderPayload } from "../../../lambda/core/decode-payload";
import type { KafkaHeader } from "../../../lambda/core/kafka-event";
import { base64, signedBytes } from "../../../tooling/kafka-records";

const FORMATS = ["json", "string", "base64", "auto"] as const;
const NOT_UTF8 = Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]);

function rendered(payload: string | Uint8Array, format: (typeof FORMATS)[number]): string {
  const result = renderPayload(base64(payload), format);
  if (!result.ok) throw new Error(`expected ${format} to render, got ${result.code}`);
  return result.json;
}

function headers(...pairs: [string, string | Uint8Array | null][]): KafkaHeader[] {
  return pairs.map(([name, value]) => ({ [name]: value === null ? null : signedBytes(value) }));
}

describe("renderPayload", () => {
  it.each(FORMATS)("renders an absent or null payload as null with format %s", (format) => {
    expect(renderPayload(null, format)).toMatchObject({ ok: true, json: "null" });
    expect(renderPayload(undefined, format)).toMatchObject({ ok: true, json: "null" });
  });

  describe("json", () => {
    it("embeds a JSON value byte for byte, keeping whitespace, key order, 1.10 and integers beyond 2^53", () => {
      const text = ' {"zeta": 1.10,\n  "alpha": 12345678901234567890, "n": [1e2, -0.0]}\t';
      expect(rendered(text, "json")).toBe(text);
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

    it.each(["{broken json", "", "{'a':1}", '{"a":1}x', "NaN"])("reports %j as InvalidJson", (text) => {
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
    it("embeds JSON as produced", () => {
      expect(rendered('{"b":1.10,"a":12345678901234567890}', "auto")).toBe(
        '{"b":1.10,"a":12345678901234567890}',
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

describe("renderHeaders", () => {
  it("renders no headers as []", () => {
    expect(renderHeaders(undefined)).toBe("[]");
    expect(renderHeaders([])).toBe("[]");
  });

  it("keeps record order and duplicate names", () => {
    expect(renderHeaders(headers(["retry", "1"], ["trace", "abc"], ["retry", "2"]))).toBe(
      '[{"retry":"1"},{"trace":"abc"},{"retry":"2"}]',
    );
  });

  it("decodes non-ASCII values from Java signed bytes", () => {
    expect(renderHeaders(headers(["source", "café ☕ 😀"]))).toBe('[{"source":"café ☕ 😀"}]');
  });

  it("renders values that are not UTF-8 as base64 of the unsigned bytes", () => {
    expect(renderHeaders([{ binary: [-1, -2, 0, -128] }])).toBe('[{"binary":"//4AgA=="}]');
  });

  it("renders a null header as null and an empty one as the empty string", () => {
    expect(renderHeaders(headers(["gone", null], ["empty", ""]))).toBe('[{"gone":null},{"empty":""}]');
  });

  it("escapes names and values as JSON", () => {
    const json = renderHeaders(headers(['we"ird\\name', 'va"lue\n']));
    expect(JSON.parse(json)).toEqual([{ 'we"ird\\name': 'va"lue\n' }]);
  });

  it("renders the sample event's headers", () => {
    const sample: KafkaHeader[] = [
      { source: [99, 97, 102, -61, -87, 32, -30, -104, -107] },
      { retry: [49] },
      { retry: [50] },
      { binary: [-1, -2, 0, -128] },
      { empty: null },
    ];
    expect(renderHeaders(sample)).toBe(
      '[{"source":"café ☕"},{"retry":"1"},{"retry":"2"},{"binary":"//4AgA=="},{"empty":null}]',
    );
  });
});
