import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lambda/config";
import { type KafkaRecord, parseKafkaEvent, recordsOf } from "../../lambda/core/kafka-event";
import { type EventEntry, mapRecord } from "../../lambda/core/map-entry";
import { deliverEntries } from "../../lambda/delivery/deliver-entries";
import { POISON_CODES, type PoisonCode, PoisonRecordError, RequestFailedError } from "../../lambda/errors";
import { kafkaEvent, kafkaRecord, type RecordSpec } from "../../tooling/kafka-records";
import { scriptedPublisher } from "../support/scripted-publisher";

// No unused poison codes: every code of POISON_CODES is one the function really produces. The table
// is typed by PoisonCode, so a new code without a way to produce it does not compile.

const config = loadConfig({
  CONNECTOR_ID: "codes",
  EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/codes",
  DETAIL_TYPE_JSONPATH: "$.type",
});

/** Maps a record as the handler would: parsed from the event first. */
function mapped(record: Record<string, unknown>): EventEntry | PoisonRecordError {
  const [parsed] = recordsOf(parseKafkaEvent(kafkaEvent([record as unknown as KafkaRecord])));
  return mapRecord(config, parsed as KafkaRecord);
}
const spec = (overrides: RecordSpec) => kafkaRecord(overrides) as unknown as Record<string, unknown>;

const PRODUCERS: Record<PoisonCode, () => Promise<unknown>> = {
  InvalidJson: async () => mapped(spec({ value: "{oops" })),
  InvalidUtf8: async () => mapped(spec({ key: Uint8Array.from([0xff]) })),
  InvalidTimestamp: async () => mapped({ ...spec({}), timestamp: "now" }),
  InvalidTimestampType: async () => mapped({ ...spec({}), timestampType: "CreateTime" }),
  InvalidKeyType: async () => mapped({ ...spec({}), key: 1 }),
  InvalidValueType: async () => mapped({ ...spec({}), value: {} }),
  InvalidHeaders: async () => mapped({ ...spec({}), headers: [{ a: [128] }] }),
  DetailTypeTooLong: async () => mapped(spec({ value: { type: "x".repeat(129) } })),
  InvalidBase64: async () => mapped({ ...spec({}), value: "e30*" }),
  IntegerOutOfRange: async () => mapped(spec({ value: '{"id":9223372036854775808}' })),
  NestingTooDeep: async () => mapped(spec({ headers: [["deep", `${"[".repeat(997)}${"]".repeat(997)}`]] })),
  EntryTooLarge: async () => {
    const entry = mapped(spec({})) as EventEntry;
    const bench = scriptedPublisher(() => {
      throw new RequestFailedError("tooLarge", "RequestEntityTooLarge", "HTTP 413");
    });
    const report = await deliverEntries([entry], bench.publisher, {
      ...config,
      deadline: { remainingMs: () => 60_000 },
    });
    const outcome = report.outcomes.get(entry);
    return outcome?.kind === "poison" ? outcome.error : outcome;
  },
};

describe("POISON_CODES", () => {
  it.each(Object.values(POISON_CODES))("%s is produced by the function", async (code) => {
    const produced = await PRODUCERS[code]();
    expect(produced).toBeInstanceOf(PoisonRecordError);
    expect((produced as PoisonRecordError).code).toBe(code);
  });
});
