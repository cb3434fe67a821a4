import { describe, expect, it } from "vitest";
import { deadLetterMessage, SQS_MAX_BYTES } from "../../../lambda/core/dead-letter-message";
import { POISON_CODES, PoisonRecordError } from "../../../lambda/errors";
import { claimCheckedDeadLetter, deadLetterObjectKey } from "../../../lambda/offload/dead-letter-claim-check";
import { kafkaRecord } from "../../../tooling/kafka-records";

describe("claimCheckedDeadLetter", () => {
  const record = kafkaRecord({
    topic: "orders",
    partition: 2,
    offset: 9,
    value: { blob: "v".repeat(SQS_MAX_BYTES) },
  });
  const message = deadLetterMessage(
    record,
    new PoisonRecordError(POISON_CODES.entryTooLarge, record, "too large"),
    {
      connectorId: "c",
      eventSourceArn: undefined,
      now: new Date(0),
    },
  );
  const dataref = `arn:aws:s3:::claims/${deadLetterObjectKey("p/", record)}`;

  it("keeps coordinates, reason and attributes, drops the payload, and counts its size as SQS does", () => {
    const shrunk = claimCheckedDeadLetter(message, dataref);
    expect(JSON.parse(shrunk.body)).toEqual({
      version: 1,
      connectorId: "c",
      topic: "orders",
      partition: 2,
      offset: 9,
      timestamp: 1_700_000_000_000,
      timestampType: "CREATE_TIME",
      errorCode: "EntryTooLarge",
      errorMessage: "orders-2@9: too large",
      eventSourceArn: null,
      deadLetteredAt: "1970-01-01T00:00:00.000Z",
      dataref: "arn:aws:s3:::claims/p/orders/2/9.dead-letter.json",
    });
    expect(shrunk.attributes).toBe(message.attributes);
    expect(shrunk.record).toBe(message.record);
    const attributeBytes = message.size - Buffer.byteLength(message.body);
    expect(shrunk.size).toBe(Buffer.byteLength(shrunk.body) + attributeBytes);
    expect(shrunk.size).toBeLessThan(1_024);
  });
});
