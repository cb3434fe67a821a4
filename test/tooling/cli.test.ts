// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} is the DETAIL_TYPES placeholder, not a template literal
import { describe, expect, it } from "vitest";
import {
  didYouMean,
  parseCliArgs,
  parseEnvFile,
  parseJsonWithComments,
  UsageError,
} from "../../tooling/cli/cli";
import { tapHandlerOutput } from "../../tooling/local-esm/handler-output";

describe("CLI helpers", () => {
  it("parse env files: comments, export, quotes, escapes; a bad line names file and line", () => {
    const text = [
      "# comment",
      "export CONNECTOR_ID=orders-sink",
      'DETAIL_TYPES="t-${topic}"',
      "EVENT_RESOURCES='a, b'",
      'EVENT_SOURCE="say \\"hi\\"" ',
      "RETRIES_MAX=3 # inline comment",
      "",
    ].join("\n");
    expect(parseEnvFile(text, "x.env")).toEqual({
      CONNECTOR_ID: "orders-sink",
      DETAIL_TYPES: "t-${topic}",
      EVENT_RESOURCES: "a, b",
      EVENT_SOURCE: 'say "hi"',
      RETRIES_MAX: "3",
    });
    expect(() => parseEnvFile("A=1\nnot a line", "x.env")).toThrow(
      new UsageError('x.env:2: expected NAME=value, got "not a line"'),
    );
  });

  it("parse JSON with comments and trailing commas, keeping // inside strings; errors name line and column", () => {
    const text = '{\n  // a comment\n  "url": "http://x//y", /* block */\n  "list": [1, 2,],\n}';
    expect(parseJsonWithComments(text, "c.json")).toEqual({ url: "http://x//y", list: [1, 2] });
    expect(() => parseJsonWithComments('{\n  "a": 1\n  "b": 2\n}', "c.json")).toThrow(
      /^c\.json:3:3: not valid JSON/,
    );
  });

  it("suggest the closest known name for a typo, nothing for an unrelated one", () => {
    expect(didYouMean("VALUE_FORMT", ["KEY_FORMAT", "VALUE_FORMAT"])).toBe("VALUE_FORMAT");
    expect(didYouMean("detailtypes", ["detailTypes", "topics"])).toBe("detailTypes");
    expect(didYouMean("PATH", ["KEY_FORMAT", "VALUE_FORMAT"])).toBeUndefined();
  });

  it("turn an unknown option into one line pointing at --help", () => {
    expect(() => parseCliArgs(["--bogus"], {})).toThrow(
      new UsageError("Unknown option '--bogus' (--help for usage)"),
    );
  });

  it("tap the handler's output: metrics lines are counted and hidden, logs hidden only when quiet", () => {
    const shown: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      shown.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      const tap = tapHandlerOutput({ quiet: false });
      process.stdout.write('{"level":"INFO","message":"batch processed"}\n{"_aws":{},"RecordsDelivered":4,');
      process.stdout.write('"RecordsDeadLettered":1,"RecordsReportedFailed":0}\n');
      expect(tap.take()).toEqual({ delivered: 4, deadLettered: 1, reportedFailed: 0 });
      expect(tap.take()).toBeUndefined();
      tap.restore();
      const quiet = tapHandlerOutput({ quiet: true });
      process.stdout.write('{"level":"WARN","message":"record dead-lettered"}\n');
      quiet.restore();
    } finally {
      process.stdout.write = write;
    }
    expect(shown).toEqual(['{"level":"INFO","message":"batch processed"}\n']);
  });
});
