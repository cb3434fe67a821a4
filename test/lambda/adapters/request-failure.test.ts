import { describe, expect, it } from "vitest";
import { requestFailure } from "../../../lambda/adapters/request-failure";

const sdkError = (name: string, status: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe("requestFailure", () => {
  it.each([
    ["ThrottlingException", 400, "retryable"],
    ["InternalException", 500, "retryable"],
    ["ServiceUnavailable", 503, "retryable"],
    ["TimeoutError", 0, "retryable"],
    ["RequestEntityTooLarge", 413, "tooLarge"],
    ["AccessDeniedException", 400, "systemic"],
    ["ResourceNotFoundException", 400, "systemic"],
    ["UnrecognizedClientException", 400, "systemic"],
    ["SomethingForbidden", 403, "systemic"],
  ])("classifies %s (HTTP %i) as %s", (name, status, kind) => {
    const failure = requestFailure(sdkError(name, status));
    expect(failure.kind).toBe(kind);
    expect(failure.code).toBe(name);
    expect(failure.cause).toBeInstanceOf(Error);
  });

  it.each([
    ["Total size of the entries in the request is over the limit.", "tooLarge"],
    ["Request entity too large", "tooLarge"],
    ["Resources contain an invalid ARN", "invalid"],
    [
      "1 validation error detected: Value at 'entries.1.member.detailType' failed to satisfy constraint",
      "invalid",
    ],
  ])("classifies a ValidationException saying %j as %s: size only when it says so", (message, kind) => {
    const error = Object.assign(new Error(message), {
      name: "ValidationException",
      $metadata: { httpStatusCode: 400 },
    });
    expect(requestFailure(error).kind).toBe(kind);
  });

  it("treats a network error without a service shape as retryable", () => {
    expect(requestFailure(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })).kind).toBe(
      "retryable",
    );
  });
});
