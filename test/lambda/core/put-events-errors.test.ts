import { describe, expect, it } from "vitest";
import {
  classifyEntryError,
  ENTRY_ERROR_CODES,
  THROTTLING_ERROR_CODE,
} from "../../../lambda/core/put-events-errors";

describe("classifyEntryError", () => {
  it.each(["ThrottlingException", "InternalFailure"])("retries %s", (code) => {
    expect(classifyEntryError(code)).toBe("retry");
  });

  it.each([
    "MalformedDetail",
    "InvalidArgument",
    "NotAuthorizedForSourceException",
    "NotAuthorizedForDetailTypeException",
    "RedactionFailure",
  ])("treats %s as poison", (code) => {
    expect(classifyEntryError(code)).toBe("poison");
  });

  it.each(["AccessDeniedException", "ResourceNotFoundException", "SomethingNew", "", "throttlingexception"])(
    "fails %j rather than dropping or dead-lettering it",
    (code) => {
      expect(classifyEntryError(code)).toBe("fail");
    },
  );

  it("holds every entry error code PutEventsResultEntry documents", () => {
    expect(Object.keys(ENTRY_ERROR_CODES).sort()).toEqual([
      "AccessDeniedException",
      "InternalFailure",
      "InvalidAccountIdException",
      "InvalidArgument",
      "MalformedDetail",
      "NotAuthorizedForDetailTypeException",
      "NotAuthorizedForSourceException",
      "RedactionFailure",
      "ThrottlingException",
    ]);
    expect(classifyEntryError("InvalidAccountIdException")).toBe("fail");
    expect(classifyEntryError("toString")).toBe("fail");
  });

  it("names the throttling code it counts as a throttle", () => {
    expect(THROTTLING_ERROR_CODE).toBe("ThrottlingException");
    expect(classifyEntryError(THROTTLING_ERROR_CODE)).toBe("retry");
  });
});
