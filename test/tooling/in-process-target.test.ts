import avro from "avsc";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lambda/config";
import { inProcessTarget } from "../../tooling/dlq-replay/in-process-target";
import { kafkaEvent, kafkaRecord } from "../../tooling/kafka-records";
import { useRegistryAndAws } from "../lambda/schema-registry/scripted-registry";
import { confluentFrame } from "../lambda/schema-registry/test-codecs";

// The replay's in-process target runs the function's pipeline with the function's own ports: a dead
// letter of a registry-encoded topic is decoded as the deployed function decodes it.

const ORDER = { type: "record", name: "Order", fields: [{ name: "id", type: "long" }] };

const bench = useRegistryAndAws(7, ORDER);

describe("inProcessTarget", () => {
  it("decodes registry-encoded values through the configured registry, as the handler does", async () => {
    const config = loadConfig({
      CONNECTOR_ID: "replay",
      EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/replay",
      EVENTBRIDGE_ENDPOINT_URL: bench.aws.url,
      VALUE_FORMAT: "avro",
      SCHEMA_REGISTRY_URL: bench.registry.url,
    });
    const value = confluentFrame(7, avro.Type.forSchema(ORDER as avro.Schema).toBuffer({ id: 42 }));
    const record = kafkaRecord({ offset: 3, value });
    const target = await inProcessTarget(config);
    try {
      const outcomes = await target.run(kafkaEvent([record]));

      expect(outcomes.get(record)).toEqual({ kind: "delivered" });
      expect(bench.aws.events.map((entry) => JSON.parse(entry.Detail).value)).toEqual([{ id: 42 }]);
    } finally {
      await target.close();
    }
  });
});
