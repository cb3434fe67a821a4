import type { DeadLetterSender } from "../adapters/sqs-dead-letters";
import type { Config } from "../config";
import type { OffloadStage } from "./claim-check-port";
import type { ClaimCheckStore } from "./claim-check-store";
import { withOversizeClaimCheck } from "./dead-letter-offload";
import { offloadStage } from "./offload-stage";
import { claimCheckStoreFromEnv } from "./s3-claim-check-store";

/** What the handler wires when `OFFLOAD_S3_BUCKET` is set. */
export interface ClaimCheckPorts {
  /** The stage between mapping and delivery. */
  readonly offload: OffloadStage;
  /** Wraps the dead-letter sender: a message over SQS's 1 MiB keeps its payload in the bucket (SPEC §5). */
  readonly deadLetters: (sender: DeadLetterSender) => DeadLetterSender;
}

/**
 * The claim-check ports for `config`, or undefined when `OFFLOAD_S3_BUCKET` is not set (then nothing of
 * S3 is built or loaded). The store defaults to S3 with its endpoint settings from the environment
 * (`AWS_ENDPOINT_URL_S3`, `AWS_REGION`); the client itself is created on the first upload.
 */
export function claimCheckPorts(
  config: Pick<Config, "offload" | "maxRequestBytes" | "maxConcurrency" | "valueFormat">,
  store?: ClaimCheckStore,
): ClaimCheckPorts | undefined {
  const { offload } = config;
  if (offload === undefined) return undefined;
  const bucketStore = store ?? claimCheckStoreFromEnv(offload.bucket, config.maxConcurrency);
  const settings = { prefix: offload.prefix, maxConcurrency: config.maxConcurrency };
  return {
    offload: offloadStage({ ...config, offload }, bucketStore),
    deadLetters: (sender) => withOversizeClaimCheck(sender, bucketStore, settings),
  };
}
