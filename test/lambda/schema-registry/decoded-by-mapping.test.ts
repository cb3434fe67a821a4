import { describe, expect, it } from "vitest";
import { decodedByMapping } from "../../../lambda/schema-registry/decoded-by-mapping";
import { kafkaRecord } from "../../../tooling/kafka-records";

const metadata = { dataFormat: "AVRO", schemaId: "b7b4a7f0-0f4c-4b8e-9a66-3c0e2f1d5a42" };

describe("decodedByMapping", () => {
  it("is true for the part whose schema metadata the event source mapping set", () => {
    const record = { ...kafkaRecord({ value: { id: 1 } }), valueSchemaMetadata: metadata };
    expect(decodedByMapping(record, "value")).toBe(true);
    expect(decodedByMapping(record, "key")).toBe(false);
  });

  it("is true for a key with keySchemaMetadata", () => {
    expect(decodedByMapping({ ...kafkaRecord({ key: "k" }), keySchemaMetadata: metadata }, "key")).toBe(true);
  });

  it("is false for a record the mapping passed through as produced", () => {
    expect(decodedByMapping(kafkaRecord(), "value")).toBe(false);
  });
});
