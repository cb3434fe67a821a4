import { describe, expect, it } from "vitest";
import { SingleFlightCache } from "../../../lambda/schema-registry/single-flight-cache";

class Permanent extends Error {}

function counted<V>(answers: (() => Promise<V>)[]) {
  let calls = 0;
  return {
    load: () => {
      const answer = answers[Math.min(calls, answers.length - 1)] as () => Promise<V>;
      calls += 1;
      return answer();
    },
    calls: () => calls,
  };
}

function cache(now = () => 0) {
  return new SingleFlightCache<string>({
    keepFailureMs: (error) => (error instanceof Permanent ? 1_000 : 0),
    now,
  });
}

describe("SingleFlightCache", () => {
  it("makes one load for concurrent gets of a key, and none afterwards", async () => {
    const subject = cache();
    let release: (value: string) => void = () => {};
    const loader = counted([() => new Promise<string>((resolve) => (release = resolve))]);
    const gets = Array.from({ length: 50 }, () => subject.get("k", loader.load));
    expect(subject.settled("k")).toEqual({ kind: "pending" });
    release("v");
    expect(await Promise.all(gets)).toEqual(Array(50).fill("v"));
    await subject.get("k", loader.load);
    expect(loader.calls()).toBe(1);
    expect(subject.settled("k")).toEqual({ kind: "ok", value: "v" });
  });

  it("keeps keys apart", async () => {
    const subject = cache();
    await subject.get("a", async () => "A");
    await subject.get("b", async () => "B");
    expect(subject.settled("a")).toEqual({ kind: "ok", value: "A" });
    expect(subject.settled("b")).toEqual({ kind: "ok", value: "B" });
    expect(subject.settled("c")).toBeUndefined();
  });

  it("shares a retryable failure with the concurrent gets, then loads again on the next get", async () => {
    const subject = cache();
    const loader = counted([() => Promise.reject(new Error("503")), async () => "v"]);
    const results = await Promise.allSettled([subject.get("k", loader.load), subject.get("k", loader.load)]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(subject.settled("k")).toMatchObject({ kind: "failed" });
    expect(await subject.get("k", loader.load)).toBe("v");
    expect(loader.calls()).toBe(2);
  });

  it("remembers a permanent failure for its time, then loads again", async () => {
    let clock = 0;
    const subject = cache(() => clock);
    const loader = counted([() => Promise.reject(new Permanent("404")), async () => "v"]);
    await expect(subject.get("k", loader.load)).rejects.toBeInstanceOf(Permanent);
    clock = 999;
    await expect(subject.get("k", loader.load)).rejects.toBeInstanceOf(Permanent);
    expect(loader.calls()).toBe(1);
    clock = 1_000;
    expect(await subject.get("k", loader.load)).toBe("v");
    expect(loader.calls()).toBe(2);
  });
});
