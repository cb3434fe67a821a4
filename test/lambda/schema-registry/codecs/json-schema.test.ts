import { describe, expect, it } from "vitest";
import { InvalidSchemaError, SchemaMismatchError } from "../../../../lambda/schema-registry/codec-error";
import { compile } from "../../../../lambda/schema-registry/codecs/json-schema";

const SCHEMA = JSON.stringify({
  type: "object",
  properties: { id: { type: "integer" }, name: { type: "string" } },
  required: ["id"],
});

function render(text: string | Buffer): string {
  const payload = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  return compile({ text: SCHEMA, references: new Map() }, { decimalFormat: "base64" }).render(payload);
}

describe("JSON Schema rendering", () => {
  it("embeds the JSON as written, whitespace outside strings dropped", () => {
    expect(render('{ "b" : 1.10,\n\t"a": [ 1 , 2 ],  "s": "x  y\\" z" }')).toBe(
      '{"b":1.10,"a":[1,2],"s":"x  y\\" z"}',
    );
  });

  it("keeps key order, number spelling and integers beyond 2^53", () => {
    expect(render('{"z":1e3,"id":9223372036854775807,"neg":-9223372036854775808}')).toBe(
      '{"z":1e3,"id":9223372036854775807,"neg":-9223372036854775808}',
    );
  });

  it("renders a scalar document and an already compact one as is", () => {
    expect(render(' "text" ')).toBe('"text"');
    expect(render('{"id":1}')).toBe('{"id":1}');
  });

  it("does not validate the document against the schema (Confluent's default)", () => {
    expect(render('{"name":42}')).toBe('{"name":42}');
  });

  it("rejects a payload that is not JSON, not UTF-8, or holds an integer beyond 64 bits", () => {
    expect(() => render("{nope")).toThrow(SchemaMismatchError);
    expect(() => render(Buffer.from([0x22, 0xff, 0x22]))).toThrow(/UTF-8/);
    expect(() => render('{"id":9223372036854775808}')).toThrow(/64-bit/);
    expect(() => render("")).toThrow(SchemaMismatchError);
  });

  it("throws InvalidSchemaError for a schema that is not JSON", () => {
    expect(() => compile({ text: "{type:", references: new Map() }, { decimalFormat: "base64" })).toThrow(
      InvalidSchemaError,
    );
  });
});
