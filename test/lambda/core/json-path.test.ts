import { describe, expect, it } from "vitest";
import { compileJsonPath } from "../../../lambda/core/json-path";

describe("compileJsonPath", () => {
  it("reads a field, a nested field and an array element", () => {
    const document = { eventType: "A", meta: { type: "B" }, items: [{ id: "C" }] };
    expect(compileJsonPath("$.eventType").read(document)).toBe("A");
    expect(compileJsonPath("$.meta.type").read(document)).toBe("B");
    expect(compileJsonPath("$.items[0].id").read(document)).toBe("C");
    expect(compileJsonPath("$['meta']['type']").read(document)).toBe("B");
  });

  it("returns the first match of a path selecting several values", () => {
    expect(compileJsonPath("$.items[*].id").read({ items: [{ id: 1 }, { id: 2 }] })).toBe(1);
  });

  it("returns undefined when the path selects nothing or the document is not an object", () => {
    const query = compileJsonPath("$.eventType");
    expect(query.read({ other: 1 })).toBeUndefined();
    expect(query.read(undefined)).toBeUndefined();
    expect(query.read(null)).toBeUndefined();
    expect(query.read("eventType")).toBeUndefined();
    expect(query.read(42)).toBeUndefined();
  });

  it("returns falsy values that are present", () => {
    expect(compileJsonPath("$.a").read({ a: 0 })).toBe(0);
    expect(compileJsonPath("$.a").read({ a: null })).toBeNull();
  });

  it("keeps the path text", () => {
    expect(compileJsonPath("$.a.b").path).toBe("$.a.b");
  });

  it.each(["eventType", "a.b", "$"])("rejects %j", (path) => {
    expect(() => compileJsonPath(path)).toThrow(/JSONPath/);
  });
});
