import { enableSigV4a } from "../../lambda/adapters/eventbridge-publisher";
import { batchPorts } from "../../lambda/batch-ports";
import type { Config } from "../../lambda/config";
import type { KafkaRecord } from "../../lambda/core/kafka-event";
import { deadlineFrom } from "../../lambda/delivery/deadline";
import { processBatch } from "../../lambda/process-batch";
import type { ReplayOutcome, ReplayTarget } from "./replay-target";

/**
 * Replays through the function's own batch pipeline in this process, with the function's adapters
 * (registry decoder and claim check included) built from `config`: each record's outcome is known
 * exactly (delivered, dead-lettered, failed).
 */
export async function inProcessTarget(config: Config, timeoutMs = 300_000): Promise<ReplayTarget> {
  if (config.globalEndpointId !== undefined) await enableSigV4a();
  const { ports, close } = batchPorts(config);
  return {
    description: `the function in process (connector ${config.connectorId}, bus ${config.eventBusArn})`,
    batchSize: 100,
    async run(event) {
      const startedAt = Date.now();
      const deadline = deadlineFrom(() => timeoutMs - (Date.now() - startedAt), config.deadlineMarginMs);
      const result = await processBatch(event, config, ports, deadline);
      const outcomes = new Map<KafkaRecord, ReplayOutcome>();
      for (const [record, outcome] of result.outcomes) {
        if (outcome.kind === "delivered") outcomes.set(record, { kind: "delivered" });
        else if (outcome.kind === "deadLettered")
          outcomes.set(record, { kind: "deadLettered", code: outcome.error.code });
        else if (outcome.kind === "poison") {
          outcomes.set(record, {
            kind: "failed",
            code: outcome.error.code,
            message: `${outcome.error.message} (poison, and no DLQ_URL to dead-letter it again)`,
          });
        } else outcomes.set(record, { kind: "failed", code: outcome.code, message: outcome.message });
      }
      return outcomes;
    },
    async close() {
      close();
    },
  };
}
