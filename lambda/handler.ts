import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { enableSigV4a } from "./adapters/eventbridge-publisher";
import { batchPorts } from "./batch-ports";
import { loadConfig } from "./config";
import type { KafkaBatchResponse } from "./core/batch-response";
import { type KafkaEvent, parseKafkaEvent } from "./core/kafka-event";
import { deadlineFrom } from "./delivery/deadline";
import { BatchFailedError, InvalidEventError } from "./errors";
import { processBatch } from "./process-batch";
import { logger, metrics, reportBatch, reportRejectedEvent } from "./telemetry";

// Cold start: an invalid configuration fails here, naming the variable.
const config = loadConfig();
const signerReady = config.globalEndpointId === undefined ? Promise.resolve() : enableSigV4a();
const { ports } = batchPorts(config);

async function forwardBatch(event: unknown, context: Context): Promise<KafkaBatchResponse> {
  let batch: KafkaEvent;
  try {
    batch = parseKafkaEvent(event);
  } catch (error) {
    if (error instanceof InvalidEventError) reportRejectedEvent();
    throw error;
  }
  await signerReady;
  const deadline = deadlineFrom(() => context.getRemainingTimeInMillis(), config.deadlineMarginMs);
  const result = await processBatch(batch, config, ports, deadline);
  reportBatch(result, config);
  if (!config.partialBatchResponse && result.response.batchItemFailures.length > 0) {
    const failedRecords = result.records.filter((record) => result.outcomes.get(record)?.kind === "failed");
    throw new BatchFailedError(failedRecords, result.records.length);
  }
  return result.response;
}

/** The Lambda entry point for a Kafka event source mapping (MSK or self-managed). */
export const handler = middy(forwardBatch)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
