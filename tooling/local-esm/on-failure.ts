import { open } from "node:fs/promises";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Producer } from "@platformatic/kafka";
import type { EventSourceShape } from "./invocation";
import { buildEvent } from "./invocation";
import type { BufferedRecord } from "./kafka-records";

/** Why a batch went to the on-failure destination (the `requestContext.condition` Lambda writes). */
export type FailureCondition = "RetryAttemptsExhausted" | "MaximumPayloadSizeExceeded";

export interface FailedBatch {
  readonly records: readonly BufferedRecord[];
  readonly condition: FailureCondition;
  readonly requestId: string;
  readonly functionArn: string;
  readonly approximateInvokeCount: number;
  /** `Unhandled` when the function threw or timed out; absent when it reported item failures. */
  readonly functionError?: string;
}

/** Sends what exhausted its retries somewhere it is kept; resolves only once it is stored. */
export interface OnFailureDestination {
  readonly description: string;
  send(batch: FailedBatch): Promise<void>;
  close(): Promise<void>;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function requestContext(batch: FailedBatch, condition: string) {
  return {
    requestId: batch.requestId,
    functionArn: batch.functionArn,
    condition,
    approximateInvokeCount: batch.approximateInvokeCount,
  };
}

function responseContext(batch: FailedBatch) {
  if (batch.condition === "MaximumPayloadSizeExceeded") return null;
  return {
    statusCode: 200,
    executedVersion: "$LATEST",
    ...(batch.functionError ? { functionError: batch.functionError } : {}),
  };
}

/**
 * The invocation record Lambda sends to an SQS (or SNS) destination for a Kafka ESM: metadata only,
 * one `recordsInfo` entry per `<topic>-<partition>` with the offset and timestamp range.
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html
 */
export function sqsInvocationRecord(source: EventSourceShape, batch: FailedBatch): Record<string, unknown> {
  const recordsInfo: Record<string, Record<string, string>> = {};
  for (const { record } of batch.records) {
    const key = `${record.topic}-${record.partition}`;
    const info = recordsInfo[key];
    if (!info) {
      recordsInfo[key] = {
        firstRecordOffset: String(record.offset),
        lastRecordOffset: String(record.offset),
        firstRecordTimestamp: iso(record.timestamp),
        lastRecordTimestamp: iso(record.timestamp),
      };
    } else {
      info.lastRecordOffset = String(record.offset);
      info.lastRecordTimestamp = iso(record.timestamp);
    }
  }
  return {
    requestContext: requestContext(batch, batch.condition),
    responseContext: responseContext(batch),
    version: "1.0",
    timestamp: new Date().toISOString(),
    KafkaBatchInfo: {
      batchSize: batch.records.length,
      ...(source.clusterArn ? { eventSourceArn: source.clusterArn } : {}),
      bootstrapServers: source.bootstrapServers,
      payloadSize: Buffer.byteLength(JSON.stringify(buildEvent(source, batch.records))),
      recordsInfo,
    },
  };
}

/**
 * The message Lambda produces to a Kafka-topic destination: one per failed record, with the record
 * itself under `payload` and the original key as the message key.
 * https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html
 */
export function kafkaInvocationRecord(
  source: EventSourceShape,
  batch: FailedBatch,
  one: BufferedRecord,
): Record<string, unknown> {
  const payload = buildEvent(source, [one]);
  return {
    // The Kafka-destination page spells the exhausted-retries condition `RetriesExhausted`.
    requestContext: requestContext(
      batch,
      batch.condition === "RetryAttemptsExhausted" ? "RetriesExhausted" : batch.condition,
    ),
    responseContext: responseContext(batch),
    version: "1.0",
    timestamp: new Date().toISOString(),
    KafkaBatchInfo: {
      batchSize: 1,
      ...(source.clusterArn ? { eventSourceArn: source.clusterArn } : {}),
      bootstrapServers: source.bootstrapServers,
      payloadSize: Buffer.byteLength(JSON.stringify(payload)),
      recordInfo: { offset: String(one.record.offset), timestamp: iso(one.record.timestamp) },
    },
    payload,
  };
}

/** An SQS queue URL as destination; the client honours `AWS_ENDPOINT_URL(_SQS)` unless `endpoint` is given. */
export function sqsDestination(
  queueUrl: string,
  source: EventSourceShape,
  endpoint?: string,
): OnFailureDestination {
  const client = new SQSClient(endpoint ? { endpoint } : {});
  return {
    description: `SQS ${queueUrl}`,
    async send(batch) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(sqsInvocationRecord(source, batch)),
        }),
      );
    },
    async close() {
      client.destroy();
    },
  };
}

/** A Kafka topic of the same cluster as destination (`kafka://<topic>`). */
export function kafkaDestination(
  topic: string,
  source: EventSourceShape,
  producer: Producer,
): OnFailureDestination {
  return {
    description: `Kafka topic ${topic}`,
    async send(batch) {
      await producer.send({
        messages: batch.records.map((one) => ({
          topic,
          ...(one.rawKey ? { key: one.rawKey } : {}),
          value: Buffer.from(JSON.stringify(kafkaInvocationRecord(source, batch, one))),
        })),
      });
    },
    async close() {
      await producer.close();
    },
  };
}

/**
 * A local file as destination (`file:<path>`), for running without AWS: one JSON line per failed
 * record, in the shape Lambda produces to a Kafka-topic destination (the record itself under
 * `payload`), appended and flushed before the offsets are committed.
 */
export function fileDestination(path: string, source: EventSourceShape): OnFailureDestination {
  return {
    description: `file ${path}`,
    async send(batch) {
      const lines = batch.records.map(
        (one) => `${JSON.stringify(kafkaInvocationRecord(source, batch, one))}\n`,
      );
      const handle = await open(path, "a");
      try {
        await handle.writeFile(lines.join(""));
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async close() {},
  };
}
