import { describe, expect, it } from "vitest";
import { BILLING_CHUNK_BYTES, billedChunks, entrySize } from "../../../lambda/core/entry-size";

describe("entrySize", () => {
  it("sums the UTF-8 bytes of Source, DetailType and Detail", () => {
    expect(entrySize({ Source: "abc", DetailType: "de", Detail: "{}" })).toBe(7);
  });

  it("adds each Resource", () => {
    expect(entrySize({ Source: "abc", DetailType: "de", Detail: "{}", Resources: ["arn:x", "arn:yy"] })).toBe(
      18,
    );
    expect(entrySize({ Source: "abc", DetailType: "de", Detail: "{}", Resources: [] })).toBe(7);
  });

  it("adds 14 bytes when Time is set, whatever the time", () => {
    const entry = { Source: "abc", DetailType: "de", Detail: "{}" };
    expect(entrySize({ ...entry, Time: new Date(0) })).toBe(21);
    expect(entrySize({ ...entry, Time: new Date("2026-11-23T10:15:30.123Z") })).toBe(21);
  });

  it("counts bytes, not characters, for multi-byte text", () => {
    // é: 2 bytes, ☕: 3 bytes, 😀: 4 bytes (2 UTF-16 code units)
    expect(entrySize({ Source: "é", DetailType: "☕", Detail: '{"a":"😀"}' })).toBe(2 + 3 + 12);
    expect(entrySize({ Source: "s", DetailType: "t", Detail: "{}", Resources: ["é☕"] })).toBe(1 + 1 + 2 + 5);
  });
});

describe("billedChunks", () => {
  it.each([
    [0, 1],
    [1, 1],
    [65_536, 1],
    [65_537, 2],
    [131_072, 2],
    [131_073, 3],
    [262_144, 4],
    [1_048_575, 16],
  ])("bills %i bytes as %i events", (size, chunks) => {
    expect(billedChunks(size)).toBe(chunks);
  });

  it("uses 64 KB chunks", () => {
    expect(BILLING_CHUNK_BYTES).toBe(65_536);
  });
});
