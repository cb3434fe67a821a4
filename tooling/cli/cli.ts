import { readFileSync } from "node:fs";
import { type ParseArgsConfig, parseArgs } from "node:util";

/**
 * A problem with what the user gave (an option, a file, a setting): the CLI prints its message as one
 * line and exits with code 2. Anything else that fails prints one line and exits with code 1.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `parseArgs` with the CLI's manners: `--help`/`-h` is always known, and an unknown or malformed option
 * becomes a {@link UsageError} naming it instead of Node's stack-carrying TypeError.
 */
export function parseCliArgs<T extends Options>(
  args: readonly string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    const full = error instanceof Error ? error.message : String(error);
    // Node appends advice on positionals to unknown options; the option's name is what matters.
    const message = /^Unknown option '[^']*'/.exec(full)?.[0] ?? full.split("\n")[0] ?? full;
    throw new UsageError(`${message} (--help for usage)`);
  }
}

/**
 * Runs a CLI's main function: prints `usage` for `--help`, and turns any error into one line on stderr
 * (`<program>: <message>`), never a stack trace. Exit codes: 0 done, 1 failed, 2 bad input.
 */
export function runCli(
  program: string,
  main: () => Promise<number | undefined>,
  options: { exitOnError?: boolean } = {},
): void {
  // `... | head` closes the pipe early: stop quietly instead of an EPIPE stack.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${program}: ${message.replace(/\s*\n\s*/g, "; ")}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
      // A CLI holding sockets (Kafka clients, a local endpoint) would otherwise linger; stderr is
      // written synchronously to files and pipes on POSIX, so the line is out before exiting.
      if (options.exitOnError) process.exit();
    },
  );
}

/** Reads a file the user named; a missing or unreadable one is a {@link UsageError} naming it. */
export function readInputBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory" : String(code ?? error);
    throw new UsageError(`cannot read ${what} ${path}: ${reason}`);
  }
}

/** {@link readInputBytes} as UTF-8 text. */
export function readInputFile(path: string, what: string): string {
  return readInputBytes(path, what).toString("utf8");
}

/** An integer option within bounds, or a {@link UsageError} naming the option. */
export function integerOption(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/**
 * Parses an env file: `NAME=value` lines, `export ` prefixes, `#` comments and blank lines, values in
 * single or double quotes (double quotes understand \n, \" and \\). A malformed line is a
 * {@link UsageError} naming the file and line.
 */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match === null) throw new UsageError(`${file}:${index + 1}: expected NAME=value, got "${line}"`);
    const [, name = "", rest = ""] = match;
    let value = rest;
    if (value.startsWith('"')) {
      const end = value.lastIndexOf('"');
      if (end === 0) throw new UsageError(`${file}:${index + 1}: unclosed " in the value of ${name}`);
      value = value.slice(1, end).replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    } else if (value.startsWith("'")) {
      const end = value.lastIndexOf("'");
      if (end === 0) throw new UsageError(`${file}:${index + 1}: unclosed ' in the value of ${name}`);
      value = value.slice(1, end);
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    env[name] = value;
  });
  return env;
}

/**
 * Parses JSON that may carry `//` and `/* *\/` comments and trailing commas, as the connector README's
 * `json5` examples do. A syntax error is a {@link UsageError} naming the file, line and column.
 */
export function parseJsonWithComments(text: string, file: string): unknown {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (char === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (char === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const comment = text.slice(i, end === -1 ? text.length : end + 2);
      out += comment.replace(/[^\n]/g, " ");
      i += comment.length;
    } else {
      out += char;
      i++;
    }
  }
  // Trailing commas before } or ] (outside strings, which the loop above copied verbatim).
  const cleaned = out.replace(/("(?:[^"\\]|\\.)*")|,(\s*[}\]])/g, (match, string, closer) =>
    string === undefined ? closer : match,
  );
  try {
    return JSON.parse(cleaned);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    let where = "";
    if (position !== undefined) {
      const before = cleaned.slice(0, Number(position));
      const line = before.split("\n").length;
      where = `:${line}:${Number(position) - before.lastIndexOf("\n")}`;
    }
    throw new UsageError(
      `${file}${where}: not valid JSON (${message.replace(/ in JSON at position \d+.*$/, "")})`,
    );
  }
}

/** Levenshtein distance, for "did you mean" hints on names. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** The known name closest to `name` (case-insensitive), when it is close enough to be a typo. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  if (best === undefined) return undefined;
  return best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.name : undefined;
}
