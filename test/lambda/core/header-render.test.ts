import { describe, expect, it } from "vitest";
import { MAX_HEADER_DEPTH, renderHeaders } from "../../../lambda/core/header-render";
import type { KafkaHeader } from "../../../lambda/core/kafka-event";
import type { HeaderFormat } from "../../../lambda/env-names";
import { signedBytes } from "../../../tooling/kafka-records";

function headers(...pairs: [string, string | Uint8Array | null][]): KafkaHeader[] {
  return pairs.map(([name, value]) => ({ [name]: value === null ? null : signedBytes(value) }));
}

function rendered(list: KafkaHeader[] | undefined, format?: HeaderFormat): string {
  const result = renderHeaders(list, format);
  if (!result.ok) throw new Error(`expected headers to render, got ${result.code}`);
  return result.json;
}

/** The JSON the connector sends for one header value under Connect's default SimpleHeaderConverter. */
function connector(text: string): string {
  const json = rendered(headers(["h", text]), "connector");
  return json.slice('[{"h":'.length, -"}]".length);
}

const DAY = 86_400_000;

// Each row: a header's text, the JSON the connector puts in detail.headers, and the rule of Kafka
// Connect's Values.parseString (connect-api 3.8+/4.x) + JsonConverter (schemas.enable=false) behind it.
// Every row was checked against the real Kafka Connect 4.4.0 jars (test/e2e/connect-oracle), which the
// end-to-end suite also runs on thousands of generated header texts.
const CONNECTOR_TABLE: [text: string, json: string, rule: string][] = [
  ["42", "42", "an integer that fits a byte is INT8"],
  ["-129", "-129", "INT16"],
  ["100000", "100000", "INT32"],
  ["9223372036854775807", "9223372036854775807", "INT64 up to Long.MAX_VALUE"],
  ["+5", "5", "a leading + is a number (BigDecimal reads it)"],
  ["1E+2", "100", "an integral BigDecimal is an integer type, whatever its spelling"],
  ["1.0", "1", "1.0 is integral: INT8"],
  ["-0.0", "0", "negative zero is the integer 0"],
  ["1e10", "10000000000", "INT64"],
  ["1.10", "1.1", "not integral, scale 2: FLOAT32, written by Float.toString"],
  ["3.141592653589793", "3.1415927", "FLOAT32 keeps a float's precision"],
  ["-.5", "-0.5", "a sign then a fraction"],
  ["0.00001", "1.0E-5", "Java writes |x| < 10^-3 in scientific notation"],
  ["12345678.9", "1.2345679E7", "and |x| >= 10^7"],
  ["1e30", "1.0E30", "integral but beyond 64 bits, scale -30: FLOAT32"],
  ["1e300", "1.0E300", "beyond a float: FLOAT64"],
  [
    "123456789012345678901234567890",
    '"AY7pD/bDc+DuTj8K0g=="',
    "scale 0 beyond 64 bits: Decimal, base64 of the unscaled two's complement",
  ],
  ["9223372036854775808", '"AIAAAAAAAAAA"', "Long.MAX_VALUE + 1 is a Decimal"],
  ["-9223372036854775809", '"/3//////////"', "Long.MIN_VALUE - 1 likewise"],
  ["1e400", '"AQ=="', "beyond a double: Decimal of scale -400, unscaled 1"],
  [" 42 ", "42", "surrounding whitespace is trimmed (Java trim)"],
  ["42,43", "42", "the text after the first token is ignored"],
  ["42abc", '"42abc"', "not a number: the original text"],
  [".5", '".5"', "a number must start with a digit, + or -"],
  ["0x10", '"0x10"', "no hexadecimal"],
  ["1_000", '"1_000"', "no digit separators"],
  ["NaN", '"NaN"', "no NaN"],
  ["true", "true", "boolean"],
  [" false ", "false", "boolean, trimmed"],
  ["TRUE", '"TRUE"', "booleans are lower case"],
  ["true}", '"true}"', "a literal followed by more tokens is a string"],
  ["", '""', "the empty text is the empty string"],
  ["   ", '"   "', "a blank text stays as it is"],
  [" padded ", '" padded "', "a string keeps its spaces"],
  ['"quoted"', '"\\"quoted\\""', "top-level quotes are part of the string"],
  ["hello world", '"hello world"', "plain text"],
  ['{"a":1}', '{"a":1}', "a map with string keys is a JSON object"],
  ['{"a":1,"b":"x"}', '{"a":1,"b":"x"}', "values without a common schema are written as they are"],
  ['{"a":1 "b":2}', '{"a":1,"b":2}', "the comma between map entries is optional"],
  ['{"a":null}', '{"a":null}', "a null map value"],
  ['{"a":1,"a":2}', '{"a":2}', "a repeated key keeps its place and the last value (LinkedHashMap)"],
  ['{"2026-11-23":1}', "[[20780,1]]", "a map whose keys are not strings is a list of pairs"],
  ['{1:"x"}', '[[1,"x"]]', "numeric keys likewise"],
  ["{a:1}", '"{a:1}"', "an unquoted key fails the map: the original text"],
  ["{}", '"{}"', "the connector fails on an empty map (null key schema): kept as text here"],
  ['{"a":1', '"{\\"a\\":1"', "an unterminated map is text"],
  ["[]", "[]", "an empty list"],
  ["[1,2]", "[1,2]", "a list of INT8"],
  ["[1,300]", "[1,300]", "INT8 and INT16 merge to INT16"],
  ["[1,2.5]", "[1.0,2.5]", "INT8 and FLOAT32 merge to FLOAT32: every element is a float"],
  ["[1.1,1e300]", "[1.100000023841858,1.0E300]", "FLOAT32 widened to FLOAT64 shows the float's binary value"],
  ['[1,"a"]', '[1,"a"]', "no common schema: each element as it is"],
  ["[1,null]", '"[1,null]"', "a null in a typed list fails the list: the original text"],
  ["[null,null]", "[null,null]", "a list of nulls"],
  ["[1,2] trailing", "[1,2]", "text after the closing bracket is ignored"],
  ["[1,2", '"[1,2"', "an unterminated list is text"],
  ["[1,,2]", '"[1,,2]"', "an empty element is text"],
  ['["a\\"b"]', '["a\\\\\\"b"]', "a quoted string keeps its backslashes"],
  ['[" a "]', '[" a "]', "a quoted string keeps its spaces"],
  ["[[1],[2]]", "[[1],[2]]", "nested lists"],
  ["[[1],[300]]", '"[[1],[300]]"', "the connector fails on nested lists of different widths: kept as text"],
  ['[{"a":1},{"a":2}]', '[{"a":1},{"a":2}]', "a list of maps"],
  ["2026-11-23", "20780", "yyyy-MM-dd is a Connect Date: days since the epoch"],
  ["2026-13-01", String(Date.UTC(2027, 0, 1) / DAY), "SimpleDateFormat is lenient: month 13 rolls over"],
  [
    "1500-01-01",
    String(Date.UTC(1500, 0, 10) / DAY),
    "before 1582-10-15 the Julian calendar (Jan 1 = Gregorian Jan 10)",
  ],
  ["2026-11-2x", String(Date.UTC(2026, 10, 2) / DAY), "text after the last field is ignored"],
  ["12:30:00.000Z", String(45_000_000), "HH:mm:ss.SSS'Z' is a Connect Time: milliseconds of the day"],
  ["25:00:00.000Z", '"25:00:00.000Z"', "the connector fails on a Time past 24:00: kept as text"],
  [
    "2026-11-23T12:30:00.000Z",
    String(Date.UTC(2026, 10, 23, 12, 30)),
    "a Connect Timestamp: epoch milliseconds",
  ],
  [
    "2026-11-23T12\\:30\\:00.000Z",
    String(Date.UTC(2026, 10, 23, 12, 30)),
    "escaped colons are unescaped first",
  ],
  ["2026-11-23T25:00:00.000Z", String(Date.UTC(2026, 10, 24, 1)), "lenient hours"],
  ["2026-11-23T12:30:00Z", '"2026-11-23T12:30:00Z"', "without milliseconds the length does not match: text"],
  ['["2026-11-23",5]', "[20780,5]", "Date and INT8 merge to Date: 5 is 5 days"],
  ['"2026-11-23"', '"\\"2026-11-23\\""', "a quoted date at top level is text"],
  ["null", "null", "the connector fails the record on a null header value: null here"],
];

describe("renderHeaders with HEADER_FORMAT=connector (the default)", () => {
  it.each(CONNECTOR_TABLE)("renders %j as %s: %s", (text, json) => {
    expect(connector(text)).toBe(json);
  });

  it("is the default format", () => {
    expect(rendered(headers(["num", "42"]))).toBe('[{"num":42}]');
  });

  it("renders the issue's examples as the connector does", () => {
    expect(
      rendered(
        headers(
          ["num", "42"],
          ["bool", "true"],
          ["json", '{"a":1}'],
          ["arr", "[1,2]"],
          ["float", "1.10"],
          ["date", "2026-11-23"],
          ["spaced", " padded "],
        ),
      ),
    ).toBe(
      '[{"num":42},{"bool":true},{"json":{"a":1}},{"arr":[1,2]},{"float":1.1},{"date":20780},{"spaced":" padded "}]',
    );
  });

  it("keeps bytes that are not UTF-8 as base64 and a null header as null", () => {
    expect(rendered([{ binary: [-1, -2, 0, -128] }, { gone: null }])).toBe(
      '[{"binary":"//4AgA=="},{"gone":null}]',
    );
  });

  it("poisons a header nested deeper than PutEvents accepts, and accepts one at the limit", () => {
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    expect(renderHeaders(headers(["deep", nested(MAX_HEADER_DEPTH + 1)]))).toMatchObject({
      ok: false,
      code: "NestingTooDeep",
    });
    expect(rendered(headers(["deep", nested(MAX_HEADER_DEPTH)]))).toBe(
      `[{"deep":${nested(MAX_HEADER_DEPTH)}}]`,
    );
  });
});

describe("renderHeaders with HEADER_FORMAT=string", () => {
  it("renders no headers as []", () => {
    expect(rendered(undefined, "string")).toBe("[]");
    expect(rendered([], "string")).toBe("[]");
  });

  it("keeps every value the UTF-8 string, typed-looking or not", () => {
    expect(rendered(headers(["num", "42"], ["date", "2026-11-23"], ["json", '{"a":1}']), "string")).toBe(
      '[{"num":"42"},{"date":"2026-11-23"},{"json":"{\\"a\\":1}"}]',
    );
  });

  it("keeps record order and duplicate names", () => {
    expect(rendered(headers(["retry", "1"], ["trace", "abc"], ["retry", "2"]), "string")).toBe(
      '[{"retry":"1"},{"trace":"abc"},{"retry":"2"}]',
    );
  });

  it("renders every name exactly, past the names whose JSON start it keeps", () => {
    const names = Array.from({ length: 600 }, (_, index) =>
      `h-${index}-"\\-é`.padEnd(index % 3 === 0 ? 300 : 0, "x"),
    );
    for (const name of names) {
      expect(JSON.parse(rendered(headers([name, "v"]), "string"))).toEqual([{ [name]: "v" }]);
    }
    // The same names again, now partly from what was kept.
    const all = JSON.parse(
      rendered(headers(...names.map((name): [string, string] => [name, name])), "string"),
    );
    expect(all).toEqual(names.map((name) => ({ [name]: name })));
  });

  it("decodes non-ASCII values from Java signed bytes", () => {
    expect(rendered(headers(["source", "café ☕ 😀"]), "string")).toBe('[{"source":"café ☕ 😀"}]');
  });

  it("renders values that are not UTF-8 as base64 of the unsigned bytes", () => {
    expect(rendered([{ binary: [-1, -2, 0, -128] }], "string")).toBe('[{"binary":"//4AgA=="}]');
  });

  it("renders a null header as null and an empty one as the empty string", () => {
    expect(rendered(headers(["gone", null], ["empty", ""]), "string")).toBe('[{"gone":null},{"empty":""}]');
  });

  it("escapes names and values as JSON", () => {
    const json = rendered(headers(['we"ird\\name', 'va"lue\n']), "string");
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
    expect(rendered(sample, "string")).toBe(
      '[{"source":"café ☕"},{"retry":"1"},{"retry":"2"},{"binary":"//4AgA=="},{"empty":null}]',
    );
  });
});

describe("renderHeaders with HEADER_FORMAT=base64", () => {
  it("renders every value's bytes as base64, and a null header as null", () => {
    expect(rendered(headers(["num", "42"], ["gone", null], ["empty", ""]), "base64")).toBe(
      '[{"num":"NDI="},{"gone":null},{"empty":""}]',
    );
  });
});
