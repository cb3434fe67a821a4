/**
 * The connector's `aws.eventbridge.detail.types` syntax: one template for all topics (`${topic}` is
 * replaced by the record's topic) or a `topic:DetailType` list where unlisted topics get the default.
 */
export type DetailTypeRule =
  | { readonly kind: "template"; readonly template: string }
  | { readonly kind: "byTopic"; readonly byTopic: ReadonlyMap<string, string> };

// biome-ignore lint/suspicious/noTemplateCurlyInString: the connector's placeholder syntax, not a template literal
export const DEFAULT_DETAIL_TYPE_TEMPLATE = "kafka-connect-${topic}";

const TOPIC_PLACEHOLDER = /\$\{topic\}/g;

export function detailTypeFor(rule: DetailTypeRule, topic: string): string {
  const template =
    rule.kind === "template" ? rule.template : (rule.byTopic.get(topic) ?? DEFAULT_DETAIL_TYPE_TEMPLATE);
  return template.replace(TOPIC_PLACEHOLDER, topic);
}

/** Parses the `DETAIL_TYPES` syntax; throws with what was expected when a list item is not `topic:type`. */
export function parseDetailTypes(text: string): DetailTypeRule {
  const items = text.split(",").map((item) => item.trim());
  if (items.length === 1 && !items[0]?.includes(":")) return { kind: "template", template: items[0] ?? "" };
  const byTopic = new Map<string, string>();
  for (const item of items) {
    const colon = item.indexOf(":");
    const topic = item.slice(0, colon).trim();
    const type = item.slice(colon + 1).trim();
    if (colon <= 0 || type === "") throw new Error(`"topic:DetailType" items, got "${item}"`);
    byTopic.set(topic, type);
  }
  return { kind: "byTopic", byTopic };
}
