import avro from "avsc";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../lambda/config";
import { inProcessTarget } from "../../tooling/dlq-replay/in-process-target";
import { kafkaEvent, kafkaRecord } from "../../tooling/kafka-records";
import { type LocalAwsEndpoint, startLocalAwsEndpoint } from "../../tooling/local-aws/local-aws-endpoint";
import { type ScriptedRegistry, scriptedRegistry } from "../lambda/schema-registry/scripted-registry";

// The replay's in-process target runs the function's pipeline with the function's own ports: a dead
// letter of a registry-encoded topic is decoded as the deployed function decodes it.

const ORDER = { type: "record", name: "Order", fields: [{ name: "id", type: "long" }] };

let registry: ScriptedRegistry;
let aws: LocalAwsEndpoint;
beforeEach(async () => {
  registry = await scriptedRegistry();
  registry.ids.set(7, { schema: JSON.stringify(ORDER) });
  aws = await startLocalAwsEndpoint();
});
afterEach(async () => {
  await registry.close();
  await aws.close();
});

describe("inProcessTarget", () => {
  it("decodes registry-encoded values through the configured registry, as the handler does", async () => {
    const config = loadConfig({
      CONNECTOR_ID: "replay",
      EVENT_BUS_ARN: "arn:aws:events:us-east-1:123456789012:event-bus/replay",
      EVENTBRIDGE_ENDPOINT_URL: aws.url,
      VALUE_FORMAT: "avro",
      SCHEMA_REGISTRY_URL: registry.url,
    });
    const header = Buffer.alloc(5);
    header.writeUInt32BE(7, 1);
    const value = Buffer.concat([header, avro.Type.forSchema(ORDER as avro.Schema).toBuffer({ id: 42 })]);
    const record = kafkaRecord({ offset: 3, value });
    const target = await inProcessTarget(config);
    try {
      const outcomes = await target.run(kafkaEvent([record]));

      expect(outcomes.get(record)).toEqual({ kind: "delivered" });
      expect(aws.events.map((entry) => JSON.parse(entry.Detail).value)).toEqual([{ id: 42 }]);
    } finally {
      await target.close();
    }
  });
});
