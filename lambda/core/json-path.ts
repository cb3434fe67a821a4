import { JSONPath } from "jsonpath-plus";

/** A compiled JSONPath query (`$.a.b`, `$.items[0].id`) over a parsed JSON document. */
export interface JsonPathQuery {
  readonly path: string;
  /** The first value the path selects, or `undefined` when it selects nothing. */
  read(document: unknown): unknown;
}

/** Parses `path` once (throws on a malformed path) so each record only evaluates it. */
export function compileJsonPath(path: string): JsonPathQuery {
  if (!path.startsWith("$")) throw new Error(`a JSONPath starting with "$"`);
  const parsed = JSONPath.toPathArray(path);
  if (parsed.length < 2) throw new Error("a JSONPath selecting a field, such as $.eventType");
  return {
    path,
    read(document) {
      if (document === null || typeof document !== "object") return undefined;
      const found: unknown = JSONPath({ path, json: document, wrap: true, eval: false });
      return Array.isArray(found) ? found[0] : undefined;
    },
  };
}
