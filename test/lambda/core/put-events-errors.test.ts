import { describe, expect, it } from "vitest";
import { classifyEntryError, THROTTLING_ERROR_CODE } from "../../../lambda/core/put-events-errors";

describe("classifyEntryError", () => {
  it.each(["ThrottlingException", "InternalFailure"])("retries %s", (code) => {
    expect(classifyEntryError(code)).toBe("retry");
  });

  it.each([
    "MalformedDetail",
    "InvalidArgument",
    "NotAuthorizedForSourceException",
    "NotAuthorizedForDetailTypeException",
  ])("treats %s as poison", (code) => {
    expect(classifyEntryError(code)).toBe("poison");
  });

  it.each(["AccessDeniedException", "ResourceNotFoundException", "SomethingNew", "", "throttlingexception"])(
    "fails %j rather than dropping or dead-lettering it",
    (code) => {
      expect(classifyEntryError(code)).toBe("fail");
    },
  );

  it("names the throttling code it counts as a throttle", () => {
    expect(THROTTLING_ERROR_CODE).toBe("ThrottlingException");
    expect(classifyEntryError(THROTTLING_ERROR_CODE)).toBe("retry");
  });
});
