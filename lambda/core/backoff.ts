/** Upper bound of one backoff delay, whatever the attempt. */
export const MAX_BACKOFF_MS = 20_000;

/**
 * Exponential backoff with full jitter: a uniform delay in [0, base × 2^retry), capped.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffDelay(retry: number, baseMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_BACKOFF_MS, baseMs * 2 ** retry));
}
