// The SDK-based publishers the bench measures next to the project's lean request path
// (lambda/adapters/put-events-http.ts), on the same batch in the same run.
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { entryResult } from "../lambda/adapters/eventbridge-publisher";
import { requestFailure } from "../lambda/adapters/request-failure";
import type { Publisher } from "../lambda/delivery/publisher";

/** The middlewares option (a) drops: nothing in them is needed to send PutEvents to one bus. */
const DROPPED_MIDDLEWARES = ["loggerMiddleware", "getUserAgentMiddleware", "recursionDetectionMiddleware"];

/**
 * What a hand-written Lambda does: a default `new EventBridgeClient({})` (region and endpoint from the
 * environment) and `client.send(new PutEventsCommand(...), { abortSignal })`. The reference of issue 14.
 */
export function sdkDefaultPublisher(globalEndpointId: string | undefined): Publisher {
  const client = new EventBridgeClient({});
  return {
    async publish(entries, signal) {
      try {
        const answer = await client.send(
          new PutEventsCommand({
            Entries: [...entries],
            ...(globalEndpointId === undefined ? {} : { EndpointId: globalEndpointId }),
          }),
          { abortSignal: signal },
        );
        return (answer.Entries ?? []).map(entryResult);
      } catch (error) {
        throw requestFailure(error);
      }
    },
  };
}

/**
 * Option (a) of issue 14: the SDK client configured for this hot path. `cacheMiddleware` builds the
 * handler stack once, but only for `send()` without per-call options: so no per-request abort signal,
 * and the deadline can no longer cut a request in flight.
 */
export function sdkTunedPublisher(globalEndpointId: string | undefined, maxSockets: number): Publisher {
  const client = new EventBridgeClient({
    cacheMiddleware: true,
    requestHandler: {
      httpAgent: { keepAlive: true, maxSockets },
      httpsAgent: { keepAlive: true, maxSockets },
    },
  });
  for (const name of DROPPED_MIDDLEWARES) client.middlewareStack.remove(name);
  return {
    async publish(entries) {
      try {
        const answer = await client.send(
          new PutEventsCommand({
            Entries: [...entries],
            ...(globalEndpointId === undefined ? {} : { EndpointId: globalEndpointId }),
          }),
        );
        return (answer.Entries ?? []).map(entryResult);
      } catch (error) {
        throw requestFailure(error);
      }
    },
  };
}
