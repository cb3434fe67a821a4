import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonSpan } from "../../../lambda/offload/json-span";
import type { PathSegment } from "../../../lambda/offload/offload-path";

function cut(text: string, segments: PathSegment[]) {
  const span = findJsonSpan(text, segments);
  if (span === undefined) return undefined;
  return {
    value: text.slice(span.start, span.end),
    rest: text.slice(0, span.removeStart) + text.slice(span.removeEnd),
  };
}

describe("findJsonSpan", () => {
  it("finds a member and removes it with one comma, keeping the rest byte for byte", () => {
    const text = '{"a":1.10,"b":{"c":[1,2,{"d":"x"}],"e":12345678901234567890},"f":null}';
    expect(cut(text, ["a"])).toEqual({
      value: "1.10",
      rest: '{"b":{"c":[1,2,{"d":"x"}],"e":12345678901234567890},"f":null}',
    });
    expect(cut(text, ["b"])?.rest).toBe('{"a":1.10,"f":null}');
    expect(cut(text, ["f"])).toEqual({
      value: "null",
      rest: '{"a":1.10,"b":{"c":[1,2,{"d":"x"}],"e":12345678901234567890}}',
    });
    expect(cut(text, ["b", "e"])).toEqual({
      value: "12345678901234567890",
      rest: '{"a":1.10,"b":{"c":[1,2,{"d":"x"}]},"f":null}',
    });
    expect(cut(text, ["b", "c", 2, "d"])?.value).toBe('"x"');
    expect(cut(text, ["b", "c", 1])?.rest).toBe(
      '{"a":1.10,"b":{"c":[1,{"d":"x"}],"e":12345678901234567890},"f":null}',
    );
  });

  it("removes the only member of an object", () => {
    expect(cut('{"v":{"only":[1]}}', ["v", "only"])?.rest).toBe('{"v":{}}');
  });

  it("skips strings holding brackets, quotes and escaped backslashes", () => {
    const text = '{"k":"}\\"]\\\\","value":{"s":"{[\\"","n":-1e+5},"z":true}';
    expect(cut(text, ["value"])?.value).toBe('{"s":"{[\\"","n":-1e+5}');
    expect(cut(text, ["value", "n"])?.value).toBe("-1e+5");
    expect(cut(text, ["z"])?.rest).toBe('{"k":"}\\"]\\\\","value":{"s":"{[\\"","n":-1e+5}}');
  });

  it("matches names written with escapes, and takes the last of duplicate names as JSON.parse does", () => {
    expect(cut('{"a\\u0062":1}', ["ab"])?.value).toBe("1");
    expect(cut('{"a":1,"a":2}', ["a"])).toEqual({ value: "2", rest: '{"a":1}' });
  });

  it("tolerates whitespace between tokens", () => {
    const text = '{ "a" : 1 ,\n "b" : [ 1 , 2 ] }';
    expect(cut(text, ["b", 1])?.value).toBe("2");
    expect(cut(text, ["a"])?.rest).toBe('{ "b" : [ 1 , 2 ] }');
  });

  it("selects nothing for a missing name, an index out of range, or a step into a scalar", () => {
    const text = '{"a":{"b":[1]},"s":"text"}';
    expect(findJsonSpan(text, ["x"])).toBeUndefined();
    expect(findJsonSpan(text, ["a", "b", 1])).toBeUndefined();
    expect(findJsonSpan(text, ["a", 0])).toBeUndefined();
    expect(findJsonSpan(text, ["a", "b", "length"])).toBeUndefined();
    expect(findJsonSpan(text, ["s", "x"])).toBeUndefined();
    expect(findJsonSpan('{"e":{}}', ["e", "x"])).toBeUndefined();
    expect(findJsonSpan('{"e":[]}', ["e", 0])).toBeUndefined();
  });

  it("agrees with JSON.parse on generated documents: the value found, and what is left after removal", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.nat(), (generated, pick) => {
        const text = JSON.stringify(generated);
        // What JSON.parse reads back is the reference (-0 is written as 0).
        const object = JSON.parse(text) as Record<string, unknown>;
        const names = Object.keys(object);
        fc.pre(names.length > 0);
        const name = names[pick % names.length] as string;
        const found = cut(text, [name]);
        expect(found).toBeDefined();
        expect(JSON.parse(found?.value as string)).toEqual(object[name]);
        const rest = JSON.parse(text) as Record<string, unknown>;
        delete rest[name];
        expect(JSON.parse(found?.rest as string)).toEqual(rest);
      }),
    );
  });
});
