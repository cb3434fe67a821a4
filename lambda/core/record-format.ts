import type { RecordFormat } from "../env-names";

/** The format of a key or a value, per topic, with a default for unlisted topics (`orders:json,logs:string`). */
export interface FormatSelector {
  readonly defaultFormat: RecordFormat;
  readonly byTopic: ReadonlyMap<string, RecordFormat>;
}

export function formatFor(selector: FormatSelector, topic: string): RecordFormat {
  return selector.byTopic.get(topic) ?? selector.defaultFormat;
}
