/**
 * AWS Glue's Protobuf serializer does not write Confluent's message-index path: it writes one number, the
 * position of the message among every message of the schema (nested ones included) sorted by full name
 * (awslabs/aws-glue-schema-registry, MessageIndexFinder: `message B { message C {} message A { message D {} } }`
 * numbers B = 0, B.A = 1, B.A.D = 2, B.C = 3). This reads the `.proto` text's package and message nesting
 * (no other part of the grammar is needed) and gives, for each Glue number, the Confluent path the codec
 * takes: B = [0], B.A = [0, 1], B.A.D = [0, 1, 0], B.C = [0, 0].
 */

/** Identifiers, braces and semicolons of a `.proto` text, comments and string literals left out. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end + 1;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (c === '"' || c === "'") {
      i += 1;
      while (i < text.length && text[i] !== c) i += text[i] === "\\" ? 2 : 1;
      i += 1;
      out.push('""');
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < text.length && /[\w.]/.test(text[i] as string)) i += 1;
      out.push(text.slice(start, i));
    } else {
      if (c === "{" || c === "}" || c === ";") out.push(c);
      i += 1;
    }
  }
  return out;
}

interface Scope {
  /** The message's name, or undefined for any other block (enum, oneof, service, an option's value). */
  readonly name: string | undefined;
  readonly path: readonly number[];
  children: number;
}

/**
 * Confluent's message-index path of each message of a `.proto` schema, in Glue's numbering (index `i` of
 * the result is the message Glue writes as `i`). Empty when the text declares no message.
 */
export function glueMessagePaths(protoText: string): readonly (readonly number[])[] {
  const list = tokens(protoText);
  let pkg = "";
  const file: Scope = { name: undefined, path: [], children: 0 };
  const stack: Scope[] = [];
  const messages: { fullName: string; path: readonly number[] }[] = [];
  for (let i = 0; i < list.length; i += 1) {
    const token = list[i];
    if (token === "package" && stack.length === 0) {
      pkg = list[i + 1] ?? "";
      i += 1;
    } else if (token === "message" && list[i + 2] === "{") {
      const parent = stack.at(-1) ?? file;
      const name = list[i + 1] as string;
      // A message inside an enum, oneof or option value is not a message declaration.
      if (parent !== file && parent.name === undefined) continue;
      const scope: Scope = { name, path: [...parent.path, parent.children], children: 0 };
      parent.children += 1;
      const names = [...stack.map((s) => s.name), name].join(".");
      messages.push({ fullName: pkg === "" ? names : `${pkg}.${names}`, path: scope.path });
      stack.push(scope);
      i += 2;
    } else if (token === "{") {
      stack.push({ name: undefined, path: [], children: 0 });
    } else if (token === "}") {
      stack.pop();
    }
  }
  // Java's String.compareTo and JavaScript's default sort both order by UTF-16 code units.
  return messages
    .sort((a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0))
    .map((message) => message.path);
}
