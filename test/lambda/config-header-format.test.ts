import { describe, expect, it } from "vitest";
import { checkConfig, loadConfig } from "../../lambda/config";
import { ENV, HEADER_FORMATS } from "../../lambda/env-names";
import { ConfigError } from "../../lambda/errors";

const REQUIRED = {
  CONNECTOR_ID: "orders-sink",
  EVENT_BUS_ARN: "arn:aws:events:eu-west-3:123456789012:event-bus/orders-bus",
} as const;

describe("loadConfig: HEADER_FORMAT", () => {
  it("defaults to connector, the typing of Kafka Connect's default SimpleHeaderConverter", () => {
    expect(loadConfig(REQUIRED).headerFormat).toBe("connector");
  });

  it.each(HEADER_FORMATS)("reads HEADER_FORMAT=%s", (format) => {
    expect(loadConfig({ ...REQUIRED, HEADER_FORMAT: ` ${format} ` }).headerFormat).toBe(format);
  });

  it.each(["String", "json", "typed"])("rejects HEADER_FORMAT=%s naming the allowed values", (value) => {
    const { problems } = checkConfig({ ...REQUIRED, HEADER_FORMAT: value });
    expect(problems).toHaveLength(1);
    const [problem] = problems;
    expect(problem).toBeInstanceOf(ConfigError);
    expect(problem?.variable).toBe(ENV.headerFormat);
    expect(problem?.message).toMatch(
      /HEADER_FORMAT=".*" is invalid: expected one of connector, string, base64/,
    );
  });
});
