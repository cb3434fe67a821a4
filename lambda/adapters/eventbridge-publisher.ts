import { EventBridgeClient, type EventBridgeClientConfig } from "@aws-sdk/client-eventbridge";
import type { Config } from "../config";
import type { EntryResult, Publisher } from "../delivery/publisher";
import { awsCredentials } from "./aws-credentials";
import { PutEventsHttp } from "./put-events-http";
import { requestFailure } from "./request-failure";

export type EventBridgeClientSettings = Pick<
  Config,
  "eventBusRegion" | "eventBridgeEndpointUrl" | "iamRoleArn" | "iamExternalId" | "connectorId"
>;

/**
 * The EventBridge client for the bus: in the bus's region (a bus in another region or account works),
 * with the assumed role's credentials when `IAM_ROLE_ARN` is set. The publisher takes its resolved
 * configuration (endpoint, credentials, signer, retries) and sends with its own request path.
 */
export function eventBridgeClient(settings: EventBridgeClientSettings): EventBridgeClient {
  const config: EventBridgeClientConfig = { region: settings.eventBusRegion };
  if (settings.eventBridgeEndpointUrl !== undefined) config.endpoint = settings.eventBridgeEndpointUrl;
  const credentials = awsCredentials(settings);
  if (credentials !== undefined) config.credentials = credentials;
  return new EventBridgeClient(config);
}

/**
 * Global endpoints are signed with SigV4a; the JS SDK needs the signer registered first.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-global-endpoints.html
 */
export async function enableSigV4a(): Promise<void> {
  await import("@aws-sdk/signature-v4a");
}

/** What the publisher needs beyond the client: the global endpoint, and one socket per request in flight. */
export type EventBridgePublisherSettings = Pick<Config, "globalEndpointId" | "maxConcurrency">;

/**
 * The {@link Publisher} over PutEvents: one result per entry, request-level errors as `RequestFailedError`.
 * Requests go through {@link PutEventsHttp} (the client's resolved configuration, a lean request path);
 * `client.send` is not used (docs/performance.md compares the two).
 */
export function eventBridgePublisher(
  client: EventBridgeClient,
  settings: EventBridgePublisherSettings,
): Publisher {
  const transport = new PutEventsHttp(client, {
    globalEndpointId: settings.globalEndpointId,
    maxSockets: settings.maxConcurrency,
  });
  return {
    async publish(entries, signal): Promise<readonly EntryResult[]> {
      try {
        const answer = await transport.send(entries, signal);
        return (answer.Entries ?? []).map(entryResult);
      } catch (error) {
        throw requestFailure(error);
      }
    },
  };
}

/** One entry of a PutEvents answer as the {@link Publisher} port reports it. */
export function entryResult(result: {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}): EntryResult {
  return result.EventId !== undefined && result.ErrorCode === undefined
    ? { eventId: result.EventId }
    : { errorCode: result.ErrorCode ?? "InternalFailure", errorMessage: result.ErrorMessage ?? "" };
}
