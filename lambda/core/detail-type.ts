/**
 * The connector's `aws.eventbridge.detail.types` syntax: one template for all topics (`${topic}` is
 * replaced by the record's topic) or a `topic:DetailType` list where unlisted topics get the default.
 */
export type DetailTypeRule =
  | { readonly kind: "template"; readonly template: string }
  | { readonly kind: "byTopic"; readonly byTopic: ReadonlyMap<string, string> };

// biome-ignore lint/suspicious/noTemplateCurlyInString: the connector's placeholder syntax, not a template literal
export const DEFAULT_DETAIL_TYPE_TEMPLATE = "kafka-connect-${topic}";
// biome-ignore lint/suspicious/noTemplateCurlyInString: the connector's placeholder syntax, not a template literal
const PLACEHOLDER = "${topic}";

/**
 * PutEventsRequestEntry `DetailType`: 1 to 128 characters.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html
 */
export const DETAIL_TYPE_MAX_CHARS = 128;

const TOPIC_PLACEHOLDER = /\$\{topic\}/g;

/** Kafka topic names: at most 249 of ASCII letters, digits, `.`, `_` and `-` (Kafka's `Topic.validate`). */
const KAFKA_TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

export function detailTypeFor(rule: DetailTypeRule, topic: string): string {
  const template =
    rule.kind === "template" ? rule.template : (rule.byTopic.get(topic) ?? DEFAULT_DETAIL_TYPE_TEMPLATE);
  return template.replace(TOPIC_PLACEHOLDER, topic);
}

/** Characters as AWS counts them (code points), without walking a string that is short anyway. */
export function characterCount(text: string): number {
  if (text.length <= DETAIL_TYPE_MAX_CHARS) return text.length;
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Whether `detailType` is within PutEvents' 1–128 characters. */
export function isDetailTypeWithinLimit(detailType: string): boolean {
  // A string of at most 128 UTF-16 units has at most 128 code points: the common case costs nothing.
  return (
    detailType.length > 0 &&
    (detailType.length <= DETAIL_TYPE_MAX_CHARS || characterCount(detailType) <= DETAIL_TYPE_MAX_CHARS)
  );
}

/**
 * A `DETAIL_TYPES` value that is almost certainly a typo for the connector's syntax, with the fix; the
 * connector would take it literally and every rule written for its detail-types would stop matching.
 */
function typoHint(text: string): string | undefined {
  const placeholder = /\$\{([^}]*)\}/g;
  for (let match = placeholder.exec(text); match !== null; match = placeholder.exec(text)) {
    if (match[0] !== PLACEHOLDER)
      return `did you mean \`${PLACEHOLDER}\` for "${match[0]}"? It is the only placeholder, spelled exactly so`;
  }
  if (/(^|[^$])\{\s*topic\s*\}/i.test(text))
    return `did you mean \`${PLACEHOLDER}\`? The placeholder starts with "$"`;
  if (/\$topic\b/i.test(text)) return `did you mean \`${PLACEHOLDER}\` for "$topic"?`;
  if (/;\s*[A-Za-z0-9._-]+\s*:/.test(text))
    return `did you mean "," between topic:DetailType items? They are separated by commas, not ";"`;
  const equals = /^([A-Za-z0-9._-]+)\s*=\s*([^\s=:,;]+)$/.exec(text);
  if (equals !== null)
    return `did you mean "${equals[1]}:${equals[2]}"? A topic and its detail-type are joined by ":"`;
  return undefined;
}

/** The shortest detail-type a template can give: its text with each placeholder as a 1-character topic. */
function shortestExpansion(template: string): number {
  return characterCount(template.replace(TOPIC_PLACEHOLDER, "t"));
}

function checkLength(detailType: string, what: string): void {
  if (!isDetailTypeWithinLimit(detailType)) {
    throw new Error(
      `${what} of 1 to ${DETAIL_TYPE_MAX_CHARS} characters (PutEvents' DetailType limit), got ${characterCount(detailType)}`,
    );
  }
}

const SYNTAX =
  `one detail-type for all topics, static or with ${PLACEHOLDER} (my-type-${PLACEHOLDER}), ` +
  `or "topic:DetailType" items separated by commas`;

/**
 * Parses the `DETAIL_TYPES` syntax. Throws an Error whose message says what was expected: the syntax,
 * a hint for a value that is almost certainly a typo (`{topic}`, `$topic`, `${Topic}`, `;` between
 * items, `orders=Foo`), or PutEvents' length limit for a detail-type no topic could make valid.
 */
export function parseDetailTypes(text: string): DetailTypeRule {
  const hint = typoHint(text);
  if (hint !== undefined) throw new Error(`${SYNTAX}; ${hint}`);
  const items = text.split(",").map((item) => item.trim());
  if (items.length === 1 && !items[0]?.includes(":")) {
    const template = items[0] ?? "";
    if (template.includes(PLACEHOLDER)) {
      const shortest = shortestExpansion(template);
      if (shortest > DETAIL_TYPE_MAX_CHARS)
        throw new Error(
          `a template whose detail-types fit PutEvents' ${DETAIL_TYPE_MAX_CHARS} characters: it makes at least ${shortest}`,
        );
    } else checkLength(template, "a detail-type");
    return { kind: "template", template };
  }
  const byTopic = new Map<string, string>();
  for (const item of items) {
    const colon = item.indexOf(":");
    const topic = item.slice(0, colon).trim();
    const type = item.slice(colon + 1).trim();
    if (colon <= 0 || type === "") throw new Error(`${SYNTAX}; got the item "${item}"`);
    if (!KAFKA_TOPIC.test(topic))
      throw new Error(
        `"topic:DetailType" items whose topic is a Kafka topic name (letters, digits, ".", "_", "-"), got "${topic}"`,
      );
    const detailType = type.replace(TOPIC_PLACEHOLDER, topic);
    checkLength(detailType, `a detail-type for topic "${topic}"`);
    byTopic.set(topic, type);
  }
  return { kind: "byTopic", byTopic };
}
