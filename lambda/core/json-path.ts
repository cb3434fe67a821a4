import { JSONPath } from "jsonpath-plus";

/** A compiled JSONPath query (`$.a.b`, `$.items[0].id`) over a parsed JSON document. */
export interface JsonPathQuery {
  readonly path: string;
  /** The first value the path selects, or `undefined` when it selects nothing. */
  read(document: unknown): unknown;
}

/**
 * What jsonpath-plus would silently read as a shorter path ("$.items[" as "$.items"): unbalanced
 * brackets or quotes, or a trailing dot. Returns the problem, or undefined when the text is well formed.
 */
function syntaxProblem(path: string): string | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (const char of path) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === "[") depth += 1;
    else if (char === "]" && --depth < 0) return "a ] without its [";
  }
  if (quote !== undefined) return `an unclosed ${quote}`;
  if (depth > 0) return "an unclosed [";
  if (path.endsWith(".")) return "a trailing dot";
  return undefined;
}

/**
 * Parses `path` once, so each record only evaluates it. Throws on a malformed path, and on filter or
 * script expressions (`[?(...)]`, `[(...)]`): they would need code evaluation, which stays off.
 */
export function compileJsonPath(path: string): JsonPathQuery {
  if (!path.startsWith("$")) throw new Error(`a JSONPath starting with "$"`);
  const problem = syntaxProblem(path);
  if (problem !== undefined) throw new Error(`a well-formed JSONPath, not one with ${problem}`);
  const segments = JSONPath.toPathArray(path);
  if (segments.length < 2) throw new Error("a JSONPath selecting a field, such as $.eventType");
  if (segments.some((segment) => segment.startsWith("?(") || segment.startsWith("("))) {
    throw new Error("a JSONPath without filter or script expressions");
  }
  return {
    path,
    read(document) {
      if (document === null || typeof document !== "object") return undefined;
      const found: unknown = JSONPath({ path, json: document, wrap: true, eval: false });
      return Array.isArray(found) ? found[0] : undefined;
    },
  };
}
