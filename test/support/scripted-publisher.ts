import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { EntryResult, Publisher } from "../../lambda/delivery/publisher";

export interface PublishCall {
  readonly entries: readonly PutEventsRequestEntry[];
}

/**
 * A Publisher port whose answers a test scripts per call, recording every call and how many were in
 * flight at once. For unit tests of the delivery logic; the adapters are tested over HTTP.
 */
export function scriptedPublisher(
  answer: (
    entries: readonly PutEventsRequestEntry[],
    call: number,
  ) => readonly EntryResult[] | Promise<readonly EntryResult[]>,
  options: { delayMs?: number } = {},
) {
  const calls: PublishCall[] = [];
  const accepted: PutEventsRequestEntry[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const inFlightAtStart: number[] = [];
  const publisher: Publisher = {
    async publish(entries) {
      const call = calls.length;
      calls.push({ entries });
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      inFlightAtStart.push(inFlight);
      try {
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        const results = await answer(entries, call);
        results.forEach((result, index) => {
          const entry = entries[index];
          if (result.eventId !== undefined && entry) accepted.push(entry);
        });
        return results;
      } finally {
        inFlight -= 1;
      }
    },
  };
  return {
    publisher,
    calls,
    accepted,
    /** How many requests were in flight when each call started, itself included. */
    inFlightAtStart,
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

let nextId = 0;
export const ok = (): EntryResult => ({ eventId: `event-${nextId++}` });
export const error = (errorCode: string, errorMessage = errorCode): EntryResult => ({
  errorCode,
  errorMessage,
});
export const offsetOf = (entry: PutEventsRequestEntry): number =>
  (JSON.parse(entry.Detail ?? "{}") as { offset: number }).offset;
