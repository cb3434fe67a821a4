import { describe, expect, it } from "vitest";
import { type Config, loadConfig } from "../../../lambda/config";
import type { EventEntry } from "../../../lambda/core/map-entry";
import type { PartRenderer } from "../../../lambda/core/part-rendering";
import type { Deadline } from "../../../lambda/delivery/deadline";
import type { OffloadStage } from "../../../lambda/offload/claim-check-port";
import { mapRecords } from "../../../lambda/pipeline/map-records";
import { partRenderer } from "../../../lambda/pipeline/part-renderer";
import { processBatch } from "../../../lambda/process-batch";
import { kafkaEvent, kafkaRecord } from "../../../tooling/kafka-records";
import { scriptedPublisher } from "../../support/scripted-publisher";
import { scriptedRegistry } from "../../support/scripted-registry";

const ENV = {
  CONNECTOR_ID: "stages",
  EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/stages",
  PARTIAL_BATCH_RESPONSE: "true",
};
const plenty: Deadline = { remainingMs: () => 60_000 };

/** The loaded configuration with Avro values: registry formats are parsed by the loader elsewhere. */
function avroConfig(): Config {
  return { ...loadConfig(ENV), valueFormat: { defaultFormat: "avro", byTopic: new Map() } };
}

function delivering() {
  return scriptedPublisher((entries) => entries.map((_, index) => ({ eventId: `id-${index}` })));
}

describe("pipeline: resolve schemas, then decode and map", () => {
  it("fetches the schemas of every registry-encoded value in one prepare call before mapping", async () => {
    const { registry, prepared } = scriptedRegistry();
    const records = [0, 1, 2].map((offset) => kafkaRecord({ offset, value: `{"n":${offset}}` }));
    const bench = delivering();

    const result = await processBatch(
      kafkaEvent(records),
      avroConfig(),
      { publisher: bench.publisher, deadLetters: undefined, registry },
      plenty,
    );

    expect(prepared).toHaveLength(1);
    expect(prepared[0]?.map((payload) => [payload.part, payload.format, payload.bytes.toString()])).toEqual([
      ["value", "avro", '{"n":0}'],
      ["value", "avro", '{"n":1}'],
      ["value", "avro", '{"n":2}'],
    ]);
    expect(bench.accepted.map((entry) => JSON.parse(entry.Detail ?? "").value)).toEqual([
      { n: 0 },
      { n: 1 },
      { n: 2 },
    ]);
    expect(result.response.batchItemFailures).toEqual([]);
  });

  it("reports a record failed when its registry is unreachable, and dead-letters an unknown schema", async () => {
    const { registry } = scriptedRegistry();
    const records = [
      kafkaRecord({ offset: 0, value: '{"ok":true}' }),
      kafkaRecord({ offset: 1, value: "P unknown id" }),
      kafkaRecord({ offset: 2, value: "R registry down" }),
    ];
    const sent: string[] = [];
    const deadLetters = {
      async send(messages: readonly { record: { offset: number } }[]) {
        for (const message of messages) sent.push(String(message.record.offset));
        return messages.map(() => ({ sent: true as const }));
      },
    };

    const result = await processBatch(
      kafkaEvent(records),
      avroConfig(),
      { publisher: delivering().publisher, deadLetters, registry },
      plenty,
    );

    expect(result.outcomes.get(records[0] as never)?.kind).toBe("delivered");
    expect(result.outcomes.get(records[1] as never)).toMatchObject({
      kind: "deadLettered",
      error: { code: "UnknownSchema" },
    });
    expect(result.outcomes.get(records[2] as never)).toMatchObject({
      kind: "failed",
      code: "RegistryUnavailable",
    });
    expect(sent).toEqual(["1"]);
    expect(result.response.batchItemFailures).toEqual([
      { itemIdentifier: { partition: "orders-0", offset: 2 } },
    ]);
  });

  it("takes a value the event source mapping already decoded as JSON, with no registry call", async () => {
    const { registry, prepared } = scriptedRegistry();
    const decoded = {
      ...kafkaRecord({ value: { already: "json" } }),
      valueSchemaMetadata: { dataFormat: "AVRO", schemaId: "123" },
    };
    const bench = delivering();

    await processBatch(
      kafkaEvent([decoded]),
      avroConfig(),
      { publisher: bench.publisher, deadLetters: undefined, registry },
      plenty,
    );

    expect(prepared).toEqual([]);
    expect(JSON.parse(bench.accepted[0]?.Detail ?? "").value).toEqual({ already: "json" });
  });

  it("makes a registry-encoded value poison when no registry is configured", async () => {
    const record = kafkaRecord({ value: '{"a":1}' });
    const result = await processBatch(
      kafkaEvent([record]),
      avroConfig(),
      { publisher: delivering().publisher, deadLetters: undefined },
      plenty,
    );

    expect(result.outcomes.get(record)).toMatchObject({ kind: "failed", code: "NoSchemaRegistry" });
  });

  it("makes a registry-encoded value that is not canonical base64 poison InvalidBase64, with no registry call", async () => {
    const { registry, prepared } = scriptedRegistry();
    const record = { ...kafkaRecord({ offset: 0 }), value: "e30*" };

    const result = await processBatch(
      kafkaEvent([record]),
      avroConfig(),
      { publisher: delivering().publisher, deadLetters: undefined, registry },
      plenty,
    );

    expect(prepared).toEqual([]);
    expect(result.outcomes.get(record)).toMatchObject({ kind: "failed", code: "InvalidBase64" });
  });

  it("renders null and absent registry-encoded parts as null without the registry", async () => {
    const { registry, prepared } = scriptedRegistry();
    const bench = delivering();
    await processBatch(
      kafkaEvent([kafkaRecord({ value: null })]),
      avroConfig(),
      { publisher: bench.publisher, deadLetters: undefined, registry },
      plenty,
    );

    expect(prepared).toEqual([]);
    expect(JSON.parse(bench.accepted[0]?.Detail ?? "").value).toBeNull();
  });
});

describe("pipeline: the deadline while mapping", () => {
  it("stops mapping once the time is gone and reports every record not mapped as failed", () => {
    const config = loadConfig(ENV);
    const records = Array.from({ length: 1_000 }, (_, offset) => kafkaRecord({ offset, value: { offset } }));
    let looks = 0;
    const deadline: Deadline = { remainingMs: () => (++looks <= 3 ? 50 : 0) };
    let rendered = 0;
    const base = partRenderer(config, undefined);
    const counting: PartRenderer = (record, part) => {
      rendered += 1;
      return base(record, part);
    };

    const { entries, outcomes } = mapRecords(records, config, counting, deadline);

    // Three looks at the clock allowed three slices; the rest was never decoded.
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThan(records.length);
    expect(rendered).toBe(entries.length * 2);
    expect(entries.length + outcomes.size).toBe(records.length);
    const firstUnmapped = records[entries.length];
    expect(firstUnmapped && outcomes.get(firstUnmapped)).toMatchObject({
      kind: "failed",
      code: "DeadlineExceeded",
    });
  });

  it("sends nothing and reports the whole batch failed when no time is left at all", async () => {
    const records = Array.from({ length: 1_500 }, (_, offset) =>
      kafkaRecord({ offset, partition: offset % 3, value: { blob: "x".repeat(2_500) } }),
    );
    const bench = delivering();

    const result = await processBatch(
      kafkaEvent(records),
      loadConfig(ENV),
      { publisher: bench.publisher, deadLetters: undefined },
      { remainingMs: () => -1 },
    );

    expect(bench.calls).toHaveLength(0);
    expect(result.response.batchItemFailures).toEqual(
      [0, 1, 2].map((partition) => ({
        itemIdentifier: { partition: `orders-${partition}`, offset: partition },
      })),
    );
    expect([...result.outcomes.values()].every((outcome) => outcome.kind === "failed")).toBe(true);
  });
});

describe("pipeline: offload between mapping and delivery", () => {
  it("delivers what the offload stage returns, in order, and settles the records it could not offload", async () => {
    const config = loadConfig(ENV);
    const records = [0, 1, 2].map((offset) => kafkaRecord({ offset, value: { offset } }));
    const offload: OffloadStage = async (entries) => {
      const [first, second, third] = entries as EventEntry[];
      if (!first || !second || !third) throw new Error("expected three entries");
      const claimCheck: EventEntry = { ...second, entry: { ...second.entry, Detail: '{"dataref":"s3"}' } };
      return {
        entries: [first, claimCheck],
        outcomes: new Map([[third, { kind: "failed" as const, code: "S3Unavailable", message: "503" }]]),
      };
    };
    const bench = delivering();

    const result = await processBatch(
      kafkaEvent(records),
      config,
      { publisher: bench.publisher, deadLetters: undefined, offload },
      plenty,
    );

    expect(bench.accepted.map((entry) => entry.Detail)).toEqual([
      expect.stringContaining('"offset":0'),
      '{"dataref":"s3"}',
    ]);
    expect(result.outcomes.get(records[2] as never)).toMatchObject({ kind: "failed", code: "S3Unavailable" });
    expect(result.response.batchItemFailures).toEqual([
      { itemIdentifier: { partition: "orders-0", offset: 2 } },
    ]);
  });

  it("makes an entry still over MAX_REQUEST_BYTES after offloading poison EntryTooLarge", async () => {
    const config = loadConfig({ ...ENV, MAX_REQUEST_BYTES: "2048" });
    const records = [kafkaRecord({ offset: 0, value: { blob: "y".repeat(4_000) } })];
    const result = await processBatch(
      kafkaEvent(records),
      config,
      {
        publisher: delivering().publisher,
        deadLetters: undefined,
        offload: async (entries) => ({ entries, outcomes: new Map() }),
      },
      plenty,
    );

    expect(result.outcomes.get(records[0] as never)).toMatchObject({ kind: "failed", code: "EntryTooLarge" });
  });
});
