import { appendFileSync } from "node:fs";
import type { LocalAwsEndpoint } from "../local-aws/local-aws-endpoint";

/**
 * Keeps the function's dead letters in a local file when they go to the local AWS endpoint (a dry
 * run, or a run without DLQ_URL): one message body per line, the format of the SQS dead-letter queue
 * (README "Dead-letter messages"), so a record poison locally is kept as it would be in AWS.
 */
export function deadLetterFile(endpoint: LocalAwsEndpoint, path: string): { flush(): number } {
  let written = 0;
  return {
    /** Appends the dead letters received since the last call; returns how many. */
    flush() {
      const fresh = endpoint.deadLetters.slice(written);
      if (fresh.length > 0) appendFileSync(path, fresh.map((m) => `${m.MessageBody}\n`).join(""));
      written += fresh.length;
      return fresh.length;
    },
  };
}
