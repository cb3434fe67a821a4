// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} is the connector's DETAIL_TYPES placeholder, not a template literal
import { describe, expect, it } from "vitest";
import {
  DEFAULT_DETAIL_TYPE_TEMPLATE,
  detailTypeFor,
  parseDetailTypes,
} from "../../../lambda/core/detail-type";

describe("parseDetailTypes and detailTypeFor", () => {
  it("defaults to the connector's kafka-connect-${topic}", () => {
    expect(detailTypeFor(parseDetailTypes(DEFAULT_DETAIL_TYPE_TEMPLATE), "orders")).toBe(
      "kafka-connect-orders",
    );
  });

  it("replaces every ${topic} placeholder of a template", () => {
    const rule = parseDetailTypes("${topic}-type-${topic}");
    expect(rule.kind).toBe("template");
    expect(detailTypeFor(rule, "order-events")).toBe("order-events-type-order-events");
  });

  it("uses a static detail-type for every topic", () => {
    const rule = parseDetailTypes("my-type");
    expect(detailTypeFor(rule, "orders")).toBe("my-type");
    expect(detailTypeFor(rule, "logs")).toBe("my-type");
  });

  it("maps listed topics and gives unlisted ones the default", () => {
    const rule = parseDetailTypes(" orders : OrderEvent ,logs:LogLine");
    expect(detailTypeFor(rule, "orders")).toBe("OrderEvent");
    expect(detailTypeFor(rule, "logs")).toBe("LogLine");
    expect(detailTypeFor(rule, "payments")).toBe("kafka-connect-payments");
  });

  it.each(["a:b,c", "orders:", ":TypeA", "a:b,,c:d"])(
    "rejects %j, naming the expected topic:DetailType items",
    (text) => {
      expect(() => parseDetailTypes(text)).toThrow(/"topic:DetailType" items/);
    },
  );
});
