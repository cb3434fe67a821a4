import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { describe, expect, it } from "vitest";
import { eventBridgeClient, SDK_LOGGER_MIDDLEWARE } from "../../../lambda/adapters/eventbridge-publisher";

const settings = {
  eventBusRegion: "us-east-1",
  eventBridgeEndpointUrl: undefined,
  iamRoleArn: undefined,
  iamExternalId: undefined,
  maxConcurrency: 4,
  connectorId: "test",
};

const middlewareNames = (client: EventBridgeClient) =>
  client.middlewareStack.identify().map((line) => line.split(" ")[0]);

describe("eventBridgeClient", () => {
  it("drops the SDK's logger middleware, which the SDK registers under the name it removes", () => {
    // A removal by a name the SDK no longer uses would silently keep the per-request log copies.
    expect(middlewareNames(new EventBridgeClient({ region: "us-east-1" }))).toContain(SDK_LOGGER_MIDDLEWARE);
    const names = middlewareNames(eventBridgeClient(settings));
    expect(names).not.toContain(SDK_LOGGER_MIDDLEWARE);
    expect(names.length).toBeGreaterThan(5);
  });
});
