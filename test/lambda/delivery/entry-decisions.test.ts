import { describe, expect, it } from "vitest";
import { decideEntry, decideRequestFailure, outcomeOf } from "../../../lambda/delivery/entry-decisions";
import type { EntryResult } from "../../../lambda/delivery/publisher";
import { PoisonRecordError, type RequestFailureKind } from "../../../lambda/errors";

// The README's failure policy, row by row, for what one PutEvents answer means.

const failedWith = (errorCode: string): EntryResult => ({ errorCode, errorMessage: `${errorCode}!` });

describe("decideEntry: an entry of an answered request", () => {
  it.each<[string, EntryResult | undefined, number, string, string | undefined]>([
    ["delivered (EventId returned)", { eventId: "e-1" }, 0, "delivered", undefined],
    ["throttled, retries left", failedWith("ThrottlingException"), 0, "retry", "ThrottlingException"],
    ["internal failure, retries left", failedWith("InternalFailure"), 1, "retry", "InternalFailure"],
    ["throttled after the retries", failedWith("ThrottlingException"), 2, "failed", "ThrottlingException"],
    ["internal failure after the retries", failedWith("InternalFailure"), 2, "failed", "InternalFailure"],
    ["no result in the answer, retries left", undefined, 0, "retry", "InternalFailure"],
    ["no result in the answer after the retries", undefined, 2, "failed", "InternalFailure"],
    ["MalformedDetail", failedWith("MalformedDetail"), 0, "poison", "MalformedDetail"],
    ["InvalidArgument", failedWith("InvalidArgument"), 0, "poison", "InvalidArgument"],
    ["RedactionFailure", failedWith("RedactionFailure"), 0, "poison", "RedactionFailure"],
    [
      "NotAuthorizedForSourceException",
      failedWith("NotAuthorizedForSourceException"),
      0,
      "poison",
      undefined,
    ],
    [
      "NotAuthorizedForDetailTypeException",
      failedWith("NotAuthorizedForDetailTypeException"),
      0,
      "poison",
      undefined,
    ],
    [
      "access denied (a setup problem)",
      failedWith("AccessDeniedException"),
      0,
      "failed",
      "AccessDeniedException",
    ],
    ["an invalid account (a setup problem)", failedWith("InvalidAccountIdException"), 0, "failed", undefined],
    ["an unknown code (never dropped)", failedWith("SomethingNew"), 0, "failed", "SomethingNew"],
  ])("%s: %s on resend %i → %s", (_, result, retry, kind, code) => {
    const decision = decideEntry(result, retry, 2);
    expect(decision.kind).toBe(kind);
    if (code !== undefined) expect(decision).toMatchObject({ code });
  });

  it("says how many retries were spent when it gives up", () => {
    expect(decideEntry(failedWith("ThrottlingException"), 2, 2)).toMatchObject({
      message: "still failing after 2 retries: ThrottlingException!",
    });
  });
});

describe("decideRequestFailure: a request that failed as a whole", () => {
  const failure = (kind: RequestFailureKind, code: string) => ({ kind, code, message: `${code}!` });

  it.each<[string, RequestFailureKind, string, number, number, string, string | undefined]>([
    ["too large, several entries", "tooLarge", "RequestEntityTooLarge", 10, 0, "split", undefined],
    ["too large, one entry", "tooLarge", "RequestEntityTooLarge", 1, 0, "poison", "EntryTooLarge"],
    [
      "a size ValidationException, one entry",
      "tooLarge",
      "ValidationException",
      1,
      2,
      "poison",
      "EntryTooLarge",
    ],
    [
      "another ValidationException, several entries",
      "invalid",
      "ValidationException",
      2,
      0,
      "split",
      undefined,
    ],
    [
      "another ValidationException, one entry",
      "invalid",
      "ValidationException",
      1,
      0,
      "stop",
      "ValidationException",
    ],
    ["access denied", "systemic", "AccessDeniedException", 10, 0, "stop", "AccessDeniedException"],
    ["bus not found, one entry", "systemic", "ResourceNotFoundException", 1, 0, "stop", undefined],
    ["HTTP 500, retries left", "retryable", "InternalException", 10, 1, "retry", undefined],
    ["HTTP 500 after the retries", "retryable", "InternalException", 10, 2, "failed", "InternalException"],
    ["throttled after the retries", "retryable", "ThrottlingException", 3, 2, "failed", undefined],
  ])("%s (%s %s, %i entries, resend %i) → %s", (_, kind, code, entries, retry, decided, decidedCode) => {
    const decision = decideRequestFailure(failure(kind, code), entries, retry, 2);
    expect(decision.kind).toBe(decided);
    if (decidedCode !== undefined) expect(decision).toMatchObject({ code: decidedCode });
  });

  it("never turns a setup-level ValidationException into poison, whatever the entry count", () => {
    for (let entries = 1; entries <= 10; entries += 1) {
      expect(decideRequestFailure(failure("invalid", "ValidationException"), entries, 0, 2).kind).not.toBe(
        "poison",
      );
    }
  });
});

describe("outcomeOf: the outcome a settling decision gives an entry", () => {
  const record = { topic: "orders", partition: 1, offset: 7 };

  it("keeps a delivery's EventId", () => {
    expect(outcomeOf({ kind: "delivered", eventId: "e-1" }, record)).toEqual({
      kind: "delivered",
      eventId: "e-1",
    });
  });

  it("makes poison a PoisonRecordError with the record's coordinates and the request's failure as cause", () => {
    const cause = new Error("HTTP 413");
    const outcome = outcomeOf({ kind: "poison", code: "EntryTooLarge", message: "too large" }, record, cause);
    expect(outcome.kind).toBe("poison");
    const error = outcome.kind === "poison" ? outcome.error : undefined;
    expect(error).toBeInstanceOf(PoisonRecordError);
    expect(error).toMatchObject({ code: "EntryTooLarge", record, message: "orders-1@7: too large", cause });
  });

  it.each(["stop", "failed"] as const)("reports a %s decision failed with its code", (kind) => {
    expect(outcomeOf({ kind, code: "ValidationException", message: "invalid ARN" }, record)).toEqual({
      kind: "failed",
      code: "ValidationException",
      message: "invalid ARN",
    });
  });
});
