import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { Config } from "../config";
import { POISON_CODES, PoisonRecordError } from "../errors";
import { renderPayload } from "./decode-payload";
import { characterCount, DETAIL_TYPE_MAX_CHARS, detailTypeFor, isDetailTypeWithinLimit } from "./detail-type";
import { renderHeaders } from "./header-render";
import { type KafkaRecord, MALFORMED, type RecordCoordinates, type TimestampType } from "./kafka-event";
import type { PartRenderer, RetryableFailure } from "./part-rendering";
import { formatFor } from "./record-format";

/** A record turned into its PutEvents entry, with the size EventBridge will count for it. */
export interface EventEntry {
  readonly record: KafkaRecord;
  readonly entry: PutEventsRequestEntry & { Source: string; DetailType: string; Detail: string };
  readonly size: number;
}

export type MappingConfig = Pick<
  Config,
  | "source"
  | "detailTypes"
  | "detailTypeJsonPath"
  | "resources"
  | "eventTime"
  | "eventBusArn"
  | "keyFormat"
  | "valueFormat"
  | "headerFormat"
>;

/** The connector's spelling of Kafka's timestamp types (Java `TimestampType.toString()`). */
const TIMESTAMP_TYPE_NAMES: Record<TimestampType, string> = {
  CREATE_TIME: "CreateTime",
  LOG_APPEND_TIME: "LogAppendTime",
  NO_TIMESTAMP_TYPE: "NoTimestampType",
};

/** The value's JSON document, parsed on first use and only then (by a JSONPath of the configuration). */
function lazyDocument(text: string | undefined): () => unknown {
  let parsed: { value: unknown } | undefined;
  return () => {
    parsed ??= { value: text === undefined ? undefined : JSON.parse(text) };
    return parsed.value;
  };
}

const NO_DOCUMENT = () => undefined;

function eventTime(config: MappingConfig, record: KafkaRecord, value: () => unknown): Date | undefined {
  switch (config.eventTime.kind) {
    case "none":
      return undefined;
    case "timestamp":
      return new Date(record.timestamp);
    case "jsonPath": {
      const found = config.eventTime.query.read(value());
      const time = typeof found === "string" || typeof found === "number" ? new Date(found) : undefined;
      // A value without a usable time falls back to the Kafka timestamp rather than becoming poison.
      return time !== undefined && !Number.isNaN(time.getTime()) ? time : new Date(record.timestamp);
    }
  }
}

function poison(
  record: RecordCoordinates,
  part: "key" | "value",
  code: string,
  expected: string,
): PoisonRecordError {
  return new PoisonRecordError(
    code,
    record,
    `${part} is not ${expected} (${part === "key" ? "KEY" : "VALUE"}_FORMAT)`,
  );
}

/** What every record of a topic shares under one configuration, computed once per topic. */
interface TopicConstants {
  readonly detailPrefix: string;
  readonly detailType: string;
  readonly detailTypeBytes: number;
  /** Whether `detailType` (the `${topic}` expansion for a long topic, say) is within PutEvents' limit. */
  readonly detailTypeFits: boolean;
  /** Entry-size bytes of Source and Resources (SPEC §4), which do not depend on the record. */
  readonly sourceAndResourceBytes: number;
}

// Keyed by the configuration object: a frozen config from `loadConfig` lives for the container.
const topicConstantsByConfig = new WeakMap<MappingConfig, Map<string, TopicConstants>>();

function topicConstants(config: MappingConfig, topic: string): TopicConstants {
  let byTopic = topicConstantsByConfig.get(config);
  if (byTopic === undefined) {
    byTopic = new Map();
    topicConstantsByConfig.set(config, byTopic);
  }
  let constants = byTopic.get(topic);
  if (constants === undefined) {
    let sourceAndResourceBytes = Buffer.byteLength(config.source, "utf8");
    for (const resource of config.resources) sourceAndResourceBytes += Buffer.byteLength(resource, "utf8");
    const detailType = detailTypeFor(config.detailTypes, topic);
    constants = {
      detailPrefix: `{"topic":${JSON.stringify(topic)},"partition":`,
      detailType,
      detailTypeBytes: Buffer.byteLength(detailType, "utf8"),
      detailTypeFits: isDetailTypeWithinLimit(detailType),
      sourceAndResourceBytes,
    };
    byTopic.set(topic, constants);
  }
  return constants;
}

/**
 * Maps a Kafka record to the connector-compatible EventBridge entry (SPEC §3), or returns the
 * {@link PoisonRecordError} that says why it cannot be mapped, or the {@link RetryableFailure} of a part
 * that cannot be decoded now. `render` decodes key and value; by default they are read by format.
 */
export function mapRecord(config: MappingConfig, record: KafkaRecord): EventEntry | PoisonRecordError;
export function mapRecord(
  config: MappingConfig,
  record: KafkaRecord,
  render: PartRenderer,
): EventEntry | PoisonRecordError | RetryableFailure;
export function mapRecord(
  config: MappingConfig,
  record: KafkaRecord,
  render?: PartRenderer,
): EventEntry | PoisonRecordError | RetryableFailure {
  const malformed = record[MALFORMED];
  if (malformed !== undefined) return malformed;
  const key = render
    ? render(record, "key")
    : renderPayload(record.key, formatFor(config.keyFormat, record.topic));
  if (!key.ok) return "retryable" in key ? key : poison(record, "key", key.code, key.expected);
  const value = render
    ? render(record, "value")
    : renderPayload(record.value, formatFor(config.valueFormat, record.topic));
  if (!value.ok) return "retryable" in value ? value : poison(record, "value", value.code, value.expected);
  const headers = renderHeaders(record.headers, config.headerFormat);
  if (!headers.ok) return new PoisonRecordError(headers.code, record, `headers are not ${headers.expected}`);
  const constants = topicConstants(config, record.topic);

  // Only a JSONPath reads the document: without one, no closure per record.
  const document =
    config.detailTypeJsonPath !== undefined || config.eventTime.kind === "jsonPath"
      ? lazyDocument(value.text)
      : NO_DOCUMENT;

  const Detail =
    `${constants.detailPrefix}${record.partition},"offset":${record.offset},` +
    `"timestamp":${record.timestamp},"timestampType":"${TIMESTAMP_TYPE_NAMES[record.timestampType]}",` +
    `"headers":${headers.json},"key":${key.json},"value":${value.json}}`;

  const fromValue = config.detailTypeJsonPath?.read(document());
  const picked = typeof fromValue === "string" && fromValue !== "";
  const DetailType = picked ? fromValue : constants.detailType;
  if (picked ? !isDetailTypeWithinLimit(DetailType) : !constants.detailTypeFits) {
    return new PoisonRecordError(
      POISON_CODES.detailTypeTooLong,
      record,
      `detail-type of ${characterCount(DetailType)} characters exceeds PutEvents' ${DETAIL_TYPE_MAX_CHARS} ` +
        `(${picked ? "DETAIL_TYPE_JSONPATH" : "DETAIL_TYPES for this topic"})`,
    );
  }
  const Time = eventTime(config, record, document);

  const entry: EventEntry["entry"] = {
    Source: config.source,
    DetailType,
    Detail,
    // One array for every entry: nothing downstream changes an entry's Resources.
    Resources: config.resources as string[],
    EventBusName: config.eventBusArn,
  };
  if (Time !== undefined) entry.Time = Time;
  // entrySize() of this entry, without re-measuring what is the same for every record of the topic.
  const size =
    constants.sourceAndResourceBytes +
    (DetailType === constants.detailType
      ? constants.detailTypeBytes
      : Buffer.byteLength(DetailType, "utf8")) +
    Buffer.byteLength(Detail, "utf8") +
    (Time === undefined ? 0 : 14);
  return { record, entry, size };
}
