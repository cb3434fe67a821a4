import { eventBridgeClient, eventBridgePublisher } from "./adapters/eventbridge-publisher";
import { sqsClient, sqsDeadLetters } from "./adapters/sqs-dead-letters";
import type { Config } from "./config";
import { ThrottleMemory } from "./core/adaptive-limit";
import { claimCheckPorts } from "./offload/claim-check-ports";
import type { BatchPorts } from "./process-batch";
import { registryDecoderFor, usesSchemaRegistry } from "./schema-registry/registry-decoder-for";

/**
 * The adapters a configuration needs for `processBatch`: the EventBridge publisher, the dead-letter queue
 * (through the claim-check bucket for messages over SQS's limit), the offload stage, the schema-registry
 * decoder, and the memory of EventBridge's throttling that the container's batches share. Registry
 * clients, codecs and the S3 client load on first use: a JSON-only function never loads them. The
 * handler builds these once at cold start; the dead-letter replay tool builds the same.
 */
export function batchPorts(config: Config): { readonly ports: BatchPorts; close(): void } {
  const eventBridge = eventBridgeClient(config);
  const sqs = config.dlqUrl === undefined ? undefined : sqsClient(config.dlqUrl);
  const deadLetters =
    sqs === undefined || config.dlqUrl === undefined ? undefined : sqsDeadLetters(sqs, config.dlqUrl);
  const claimChecks = claimCheckPorts(config);
  const ports: BatchPorts = {
    publisher: eventBridgePublisher(eventBridge, config),
    deadLetters:
      deadLetters !== undefined && claimChecks !== undefined
        ? claimChecks.deadLetters(deadLetters)
        : deadLetters,
    ...(claimChecks === undefined ? {} : { offload: claimChecks.offload }),
    ...(usesSchemaRegistry(config) ? { registry: registryDecoderFor(config) } : {}),
    throttleMemory: new ThrottleMemory(),
  };
  return {
    ports,
    close() {
      eventBridge.destroy();
      sqs?.destroy();
    },
  };
}
