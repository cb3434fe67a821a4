import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Config } from "./config";
import { billedChunks } from "./core/entry-size";
import type { KafkaRecord } from "./core/kafka-event";
import type { EventEntry } from "./core/map-entry";
import type { BatchResult } from "./process-batch";

export const SERVICE_NAME = "kafka-eventbridge-lambda";

/** Structured JSON logs; the level comes from `LOG_LEVEL` (or `POWERTOOLS_LOG_LEVEL`). */
export const logger = new Logger({ serviceName: SERVICE_NAME });

/** CloudWatch EMF metrics, flushed by the handler's middleware after each invocation. */
export const metrics = new Metrics({ namespace: "KafkaEventBridge", serviceName: SERVICE_NAME });

/**
 * Counts an invocation rejected because its event is not a Kafka batch (`RejectedEvents`). It also
 * keeps the invocation's metrics from being empty: Powertools warns "No application metrics to
 * publish" on every empty flush, even with metrics disabled.
 */
export function reportRejectedEvent(): void {
  metrics.addMetric("RejectedEvents", MetricUnit.Count, 1);
}

const coordinates = ({ topic, partition, offset }: KafkaRecord) => ({ topic, partition, offset });

/**
 * Logs what became of the batch: a line per dead-lettered record and per partition's run of failed
 * records (coordinates and error, never contents unless `LOG_RECORD_PAYLOADS` allows it), and emits
 * the batch's metrics (SPEC §7).
 */
export function reportBatch(result: BatchResult, config: Config, now: number = Date.now()): void {
  let deadLettered = 0;
  // Failures come in runs (a throttled partition, a denied bus): one line per partition and error code.
  const failures = new Map<
    string,
    { topic: string; partition: number; offsets: number[]; errorCode: string; error: string }
  >();
  // forEach and indexed loops below, not for-of: they run once per record of the batch, where for-of's
  // iterator results and [key, value] pairs were 2 MB of the bench batch's allocations.
  result.outcomes.forEach((outcome, record) => {
    if (outcome.kind === "deadLettered") {
      deadLettered += 1;
      logger.warn("record dead-lettered", {
        ...coordinates(record),
        errorCode: outcome.error.code,
        error: outcome.error.message,
      });
    } else if (outcome.kind === "failed") {
      const key = `${record.topic}\u0000${record.partition}\u0000${outcome.code}`;
      const run = failures.get(key) ?? {
        ...coordinates(record),
        offsets: [],
        errorCode: outcome.code,
        error: outcome.message,
      };
      run.offsets.push(record.offset);
      failures.set(key, run);
    } else if (config.logRecordPayloads) {
      logger.debug("record", {
        ...coordinates(record),
        key: record.key,
        value: record.value,
        outcome: outcome.kind,
      });
    }
  });
  let failedCount = 0;
  for (const { topic, partition, offsets, errorCode, error } of failures.values()) {
    failedCount += offsets.length;
    logger.warn("records reported failed", {
      topic,
      partition,
      offset: Math.min(...offsets),
      lastOffset: Math.max(...offsets),
      count: offsets.length,
      errorCode,
      error,
    });
  }
  let bytes = 0;
  let chunks = 0;
  let maxLag = 0;
  const lagByTopic = new Map<string, number>();
  for (let index = 0; index < result.delivered.length; index += 1) {
    const { size, record } = result.delivered[index] as EventEntry;
    bytes += size;
    chunks += billedChunks(size);
    const lag = now - record.timestamp;
    maxLag = Math.max(maxLag, lag);
    lagByTopic.set(record.topic, Math.max(lagByTopic.get(record.topic) ?? 0, lag));
  }
  metrics.addMetric("RecordsReceived", MetricUnit.Count, result.records.length);
  metrics.addMetric("RecordsDelivered", MetricUnit.Count, result.delivered.length);
  metrics.addMetric("RecordsRetried", MetricUnit.Count, result.retriedEntries);
  metrics.addMetric("RecordsDeadLettered", MetricUnit.Count, deadLettered);
  metrics.addMetric("RecordsReportedFailed", MetricUnit.Count, failedCount);
  metrics.addMetric("PutEventsRequests", MetricUnit.Count, result.requests);
  metrics.addMetric("ThrottledEntries", MetricUnit.Count, result.throttledEntries);
  metrics.addMetric("DeliveredBytes", MetricUnit.Bytes, bytes);
  metrics.addMetric("BilledEventChunks", MetricUnit.Count, chunks);
  if (result.delivered.length > 0) metrics.addMetric("MaxDeliveryLag", MetricUnit.Milliseconds, maxLag);
  // The same lag per topic, for the dashboard. A mapping reads one topic, so a batch has one or few.
  for (const [topic, lag] of lagByTopic) {
    const perTopic = metrics.singleMetric();
    perTopic.addDimension("topic", topic);
    perTopic.addMetric("MaxDeliveryLag", MetricUnit.Milliseconds, lag);
  }
  logger.info("batch processed", {
    records: result.records.length,
    delivered: result.delivered.length,
    deadLettered,
    failed: failedCount,
    requests: result.requests,
    batchItemFailures: result.response.batchItemFailures.length,
  });
}
