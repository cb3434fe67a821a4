import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APP_CONTEXT_KEYS } from "../../infra/context";
import { DERIVED_ROLES, HANDLER_SETTING_ROLES } from "../../infra/handler-settings";
import { DEFAULTS, OPTION_KINDS, OPTION_NAMES, type OptionKind } from "../../infra/options";
import { ENV, type EnvRole } from "../../lambda/env-names";

const root = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** The rows of every Markdown table whose header starts with `firstColumn`, as trimmed cells. */
function tableRows(markdown: string, firstColumn: string): string[][] {
  const rows: string[][] = [];
  let inTable = false;
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) {
      inTable = false;
      continue;
    }
    const cells = line
      .slice(1, line.endsWith("|") ? -1 : undefined)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
    if (cells[0] === firstColumn) {
      inTable = true;
      continue;
    }
    if (inTable && !/^-+$/.test(cells[0] ?? "")) rows.push(cells);
  }
  return rows;
}

const unquote = (cell: string | undefined) => /^`([^`]+)`$/.exec(cell ?? "")?.[1];

/** How docs/deploy.md names each kind of option in its type column. */
const DOC_TYPES: Record<OptionKind, string> = {
  string: "string",
  list: "list",
  integer: "integer",
  boolean: "boolean",
  json: "JSON",
  perTopic: "per-topic",
};

describe("docs/deploy.md, the README's configuration table and the props list the same settings", () => {
  const deploy = read("docs/deploy.md");
  const options = tableRows(deploy, "option");
  const byName = new Map(options.map((row) => [unquote(row[0]) ?? row[0] ?? "", row]));

  it("lists every option of the construct and of the app once, and nothing else", () => {
    const names = options.map((row) => unquote(row[0]));
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...OPTION_NAMES, ...APP_CONTEXT_KEYS].sort());
  });

  it("gives each option the type the context reads it as", () => {
    const tableOf = (name: string) => byName.get(name) ?? [];
    for (const name of OPTION_NAMES) {
      const row = tableOf(name);
      // Handler-setting rows have a variable column before the type.
      const type = (HANDLER_SETTING_ROLES as readonly string[]).includes(name) ? row[2] : row[1];
      expect({ name, type }).toEqual({ name, type: DOC_TYPES[OPTION_KINDS[name]] });
    }
  });

  it("gives each option with a default constant that default", () => {
    for (const [name, value] of Object.entries(DEFAULTS)) {
      const row = byName.get(name) ?? [];
      const cells = row.join(" ");
      expect({ name, documented: cells.includes(`\`${value}\``) }).toEqual({ name, documented: true });
    }
  });

  it("names each handler setting's variable next to it", () => {
    for (const role of HANDLER_SETTING_ROLES) {
      expect({ role, variable: unquote(byName.get(role)?.[1]) }).toEqual({ role, variable: ENV[role] });
    }
  });

  it("documents in the README every variable the function reads, each an option of the construct", () => {
    const variables = tableRows(read("README.md"), "variable").map((row) => unquote(row[0]));
    expect([...variables].sort()).toEqual(Object.values(ENV).sort());
    const construct = new Set<string>([...OPTION_NAMES, "dlqUrl"]);
    for (const role of Object.keys(ENV) as EnvRole[]) expect(construct).toContain(role);
    // The construct sets these from its own resources; every other variable is a handler setting.
    expect([...HANDLER_SETTING_ROLES, ...DERIVED_ROLES].sort()).toEqual(Object.keys(ENV).sort());
  });
});

describe("props documentation", () => {
  it("gives every optional prop a TSDoc comment with @default, in the style of aws-cdk-lib", () => {
    const sources = read("infra/options.ts") + read("infra/handler-settings.ts");
    for (const name of OPTION_NAMES) {
      const declaration = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*readonly ${name}(\\?)?:`).exec(
        sources,
      );
      expect({ name, documented: declaration !== null }).toEqual({ name, documented: true });
      const optional = declaration?.[2] === "?";
      if (optional)
        expect({ name, default: declaration?.[1]?.includes("@default") }).toEqual({ name, default: true });
    }
  });
});
