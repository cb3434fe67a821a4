import type { ClaimCheckObject } from "../../../lambda/offload/claim-check";
import type { ClaimCheckStore, PutResult } from "../../../lambda/offload/claim-check-store";

/**
 * A claim-check store for property tests, in bucket `claims`, answering from a seeded script: stored
 * (kept in `stored` by key), a retryable failure, a systemic one, or (when `canHang`) no answer until
 * the call's signal aborts.
 */
export function scriptedStore(random: () => number, canHang: boolean) {
  const stored = new Map<string, ClaimCheckObject>();
  const store: ClaimCheckStore = {
    bucket: "claims",
    async put(object, signal): Promise<PutResult> {
      const roll = random();
      if (roll < 0.1) return { ok: false, code: "InternalError", message: "5xx", systemic: false };
      if (roll < 0.13) return { ok: false, code: "AccessDenied", message: "denied", systemic: true };
      if (canHang && roll < 0.16) {
        // S3 never answers: the stage's own deadline abort ends the call.
        return new Promise((resolve) =>
          signal.addEventListener("abort", () =>
            resolve({ ok: false, code: "AbortError", message: "aborted", systemic: false }),
          ),
        );
      }
      stored.set(object.key, object);
      return { ok: true };
    },
  };
  return { store, stored };
}
