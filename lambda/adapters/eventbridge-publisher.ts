import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import type { Config } from "../config";
import type { EntryResult, Publisher } from "../delivery/publisher";
import { awsCredentials } from "./aws-credentials";
import { requestFailure } from "./request-failure";

export type EventBridgeClientSettings = Pick<
  Config,
  | "eventBusRegion"
  | "eventBridgeEndpointUrl"
  | "iamRoleArn"
  | "iamExternalId"
  | "maxConcurrency"
  | "connectorId"
>;

/**
 * The EventBridge client for the bus: in the bus's region (a bus in another region or account works),
 * with the assumed role's credentials when `IAM_ROLE_ARN` is set, and enough sockets for
 * `MAX_CONCURRENCY` requests in flight.
 */
export function eventBridgeClient(settings: EventBridgeClientSettings): EventBridgeClient {
  const config: EventBridgeClientConfig = {
    region: settings.eventBusRegion,
    requestHandler: { httpsAgent: { maxSockets: settings.maxConcurrency, keepAlive: true } },
  };
  if (settings.eventBridgeEndpointUrl !== undefined) config.endpoint = settings.eventBridgeEndpointUrl;
  const credentials = awsCredentials(settings);
  if (credentials !== undefined) config.credentials = credentials;
  const client = new EventBridgeClient(config);
  // The SDK's logger middleware builds a redacted copy of every request and response for its logger,
  // a no-op one here (the function logs per batch itself): its schema walk alone allocated 9 MB over
  // the bench's 1,000-call batch (docs/performance.md).
  client.middlewareStack.remove(SDK_LOGGER_MIDDLEWARE);
  return client;
}

/** The name the SDK registers its logger middleware under (`@aws-sdk/core`). */
export const SDK_LOGGER_MIDDLEWARE = "loggerMiddleware";

/**
 * Global endpoints are signed with SigV4a; the JS SDK needs the signer registered first.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-global-endpoints.html
 */
export async function enableSigV4a(): Promise<void> {
  await import("@aws-sdk/signature-v4a");
}

/** The {@link Publisher} over PutEvents: one result per entry, request-level errors as `RequestFailedError`. */
export function eventBridgePublisher(
  client: EventBridgeClient,
  globalEndpointId: string | undefined,
): Publisher {
  return {
    async publish(
      entries: readonly PutEventsRequestEntry[],
      signal: AbortSignal,
    ): Promise<readonly EntryResult[]> {
      const command = new PutEventsCommand({
        Entries: [...entries],
        ...(globalEndpointId === undefined ? {} : { EndpointId: globalEndpointId }),
      });
      try {
        const answer = await client.send(command, { abortSignal: signal });
        return (answer.Entries ?? []).map(
          (result): EntryResult =>
            result.EventId !== undefined && result.ErrorCode === undefined
              ? { eventId: result.EventId }
              : { errorCode: result.ErrorCode ?? "InternalFailure", errorMessage: result.ErrorMessage ?? "" },
        );
      } catch (error) {
        throw requestFailure(error);
      }
    },
  };
}
