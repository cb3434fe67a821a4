import { type LocalAwsEndpoint, startLocalAwsEndpoint } from "./local-aws-endpoint";

/**
 * Prepares a dry run of the function in this process: starts the local AWS endpoint and points the
 * function's EventBridge and SQS calls at it, with stand-ins for what the user did not set
 * (CONNECTOR_ID, EVENT_BUS_ARN, a DLQ, credentials), so no call leaves the machine. `LOG_LEVEL` is
 * left to the user; without it the handler logs warnings and errors only.
 */
export async function startDryRun(env: NodeJS.ProcessEnv = process.env): Promise<LocalAwsEndpoint> {
  const endpoint = await startLocalAwsEndpoint();
  env.CONNECTOR_ID ??= "local";
  env.EVENT_BUS_ARN ??= "arn:aws:events:us-east-1:123456789012:event-bus/default";
  env.EVENTBRIDGE_ENDPOINT_URL = endpoint.url;
  env.AWS_ENDPOINT_URL_SQS = endpoint.url;
  env.DLQ_URL ??= `${endpoint.url}/123456789012/kafka-eventbridge-dlq`;
  env.AWS_ACCESS_KEY_ID = "dry-run";
  env.AWS_SECRET_ACCESS_KEY = "dry-run";
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  env.AWS_REGION ??= "us-east-1";
  if (env.LOG_LEVEL === undefined) env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  return endpoint;
}
