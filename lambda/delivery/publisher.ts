import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";

/** The answer for one entry of a PutEvents request, in request order. */
export type EntryResult =
  | { readonly eventId: string; readonly errorCode?: undefined; readonly errorMessage?: undefined }
  | { readonly eventId?: undefined; readonly errorCode: string; readonly errorMessage: string };

/**
 * Sends one PutEvents request. Resolves with one result per entry; rejects with a
 * `RequestFailedError` when the request as a whole failed.
 */
export interface Publisher {
  publish(entries: readonly PutEventsRequestEntry[], signal: AbortSignal): Promise<readonly EntryResult[]>;
}
