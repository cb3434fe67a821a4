import { DEFAULTS } from "../../infra/options";

/**
 * The local ESM's defaults, taken from the CDK app's so a local run behaves like the deployed mapping:
 * provisioned pollers with partial batch response (`ReportBatchItemFailures`, and
 * `PARTIAL_BATCH_RESPONSE=true` for the handler), a finite retry limit, then an on-failure destination;
 * locally a JSON-lines file stands in for the stack's SQS destination.
 */
export const DEPLOYED_DEFAULTS = {
  batchSize: DEFAULTS.batchSize,
  startingPosition: DEFAULTS.startingPosition,
  // The CDK app turns partial batch response on with provisioned pollers, its default.
  reportBatchItemFailures: DEFAULTS.provisionedPollers,
  maximumRetryAttempts: DEFAULTS.retryAttempts,
  timeoutSeconds: DEFAULTS.timeoutSeconds,
  onFailure: "file:local-esm-on-failure.jsonl",
} as const;
