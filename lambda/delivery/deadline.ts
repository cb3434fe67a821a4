/**
 * The time left in this invocation, minus a reserve for the dead-letter sends and the response.
 * Built from `context.getRemainingTimeInMillis()`.
 */
export interface Deadline {
  /** Milliseconds that work may still use; zero or less means start nothing new. */
  remainingMs(): number;
}

export function deadlineFrom(getRemainingTimeInMillis: () => number, marginMs: number): Deadline {
  return { remainingMs: () => getRemainingTimeInMillis() - marginMs };
}

export const DEADLINE_ERROR_CODE = "DeadlineExceeded";
