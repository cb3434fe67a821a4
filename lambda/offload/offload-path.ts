/** One step of a definite JSONPath: an object member's name or an array index. */
export type PathSegment = string | number;

/** `OFFLOAD_JSONPATH`, parsed: which part of the event moves to S3. */
export interface OffloadPath {
  /** The path as configured; the claim-check event carries it as `datarefJsonPath`. */
  readonly text: string;
  /** The steps from the event's root, always starting with `detail`, `value`. */
  readonly segments: readonly PathSegment[];
}

export const DEFAULT_OFFLOAD_PATH = "$.detail.value";

/** What `OFFLOAD_JSONPATH` accepts, for error messages. */
export const OFFLOAD_PATH_EXPECTED =
  "a definite JSONPath at or under $.detail.value, such as $.detail.value or $.detail.value.payload " +
  "(dot names, ['quoted names'] and [indexes]; no *, .., filters, slices or unions)";

const DOT_NAME = /^[^.[\]'"*\s()?,:@]+/;

/** Reads a quoted name (`'a b'` or `"a b"`, backslash escapes the quote) from `text` at `from`. */
function quoted(text: string, from: number): { name: string; next: number } | undefined {
  const quote = text[from];
  let name = "";
  for (let i = from + 1; i < text.length; i += 1) {
    const char = text[i];
    if (char === "\\" && i + 1 < text.length) {
      i += 1;
      name += text[i];
    } else if (char === quote) return { name, next: i + 1 };
    else name += char;
  }
  return undefined;
}

/**
 * Parses `OFFLOAD_JSONPATH` (SPEC §9). Like the connector (`S3EventBridgeEventDetailValueOffloading`),
 * the path must be definite and start with `$.detail.value`: what moves is (part of) the record's
 * value, while topic, partition and offset, the event's de-duplication key, stay in `detail`.
 * Throws an `Error` whose message says what was expected.
 */
export function parseOffloadPath(text: string): OffloadPath {
  if (!text.startsWith("$")) throw new Error(OFFLOAD_PATH_EXPECTED);
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < text.length) {
    if (text[i] === "." && text[i + 1] !== ".") {
      const name = DOT_NAME.exec(text.slice(i + 1))?.[0];
      if (name === undefined) throw new Error(OFFLOAD_PATH_EXPECTED);
      segments.push(name);
      i += 1 + name.length;
    } else if (text[i] === "[") {
      const index = /^\[(\d+)\]/.exec(text.slice(i));
      if (index?.[1] !== undefined) {
        segments.push(Number(index[1]));
        i += index[0].length;
        continue;
      }
      const quote = text[i + 1];
      const name = quote === "'" || quote === '"' ? quoted(text, i + 1) : undefined;
      if (name === undefined || text[name.next] !== "]") throw new Error(OFFLOAD_PATH_EXPECTED);
      segments.push(name.name);
      i = name.next + 1;
    } else throw new Error(OFFLOAD_PATH_EXPECTED);
  }
  if (segments[0] !== "detail" || segments[1] !== "value") throw new Error(OFFLOAD_PATH_EXPECTED);
  return { text, segments };
}
