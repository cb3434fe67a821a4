import type { DeadLetterResult, DeadLetterSender } from "../adapters/sqs-dead-letters";
import { type DeadLetterMessage, SQS_MAX_BYTES } from "../core/dead-letter-message";
import { runBounded } from "../core/run-bounded";
import { s3ObjectArn } from "./claim-check";
import type { ClaimCheckStore } from "./claim-check-store";
import { CLAIM_CHECK_CONTENT_TYPES } from "./content-types";
import { claimCheckedDeadLetter, deadLetterObjectKey } from "./dead-letter-claim-check";

/**
 * Wraps the dead-letter sender so that a message over SQS's 1 MiB (SPEC §5) is not lost for its size:
 * its full body goes to the claim-check bucket first, and the message sent references it (see
 * {@link claimCheckedDeadLetter}). A message whose upload fails is not sent and comes back failed, so its
 * record is reported failed. Messages within the limit pass through untouched. Never rejects.
 */
export function withOversizeClaimCheck(
  sender: DeadLetterSender,
  store: ClaimCheckStore,
  settings: { readonly prefix: string; readonly maxConcurrency: number },
): DeadLetterSender {
  return {
    async send(messages, signal) {
      const results = new Map<number, DeadLetterResult>();
      const replaced = new Map<number, DeadLetterMessage>();
      const oversize = messages.flatMap((message, index) => (message.size > SQS_MAX_BYTES ? [index] : []));
      await runBounded(oversize, settings.maxConcurrency, async (index) => {
        const message = messages[index] as DeadLetterMessage;
        const key = deadLetterObjectKey(settings.prefix, message.record);
        const stored = await store.put(
          { key, body: Buffer.from(message.body, "utf8"), contentType: CLAIM_CHECK_CONTENT_TYPES.json },
          signal,
        );
        if (stored.ok) replaced.set(index, claimCheckedDeadLetter(message, s3ObjectArn(store.bucket, key)));
        else {
          results.set(index, {
            sent: false,
            code: stored.code,
            message: `dead-letter message of ${message.size} bytes is over SQS's ${SQS_MAX_BYTES} and could not be stored in S3: ${stored.message}`,
          });
        }
      });
      const pending = messages.flatMap((message, index) =>
        results.has(index) ? [] : [{ index, message: replaced.get(index) ?? message }],
      );
      const sent =
        pending.length === 0
          ? []
          : await sender.send(
              pending.map((item) => item.message),
              signal,
            );
      pending.forEach((item, position) => {
        results.set(item.index, sent[position] ?? { sent: false, code: "NotSent", message: "no result" });
      });
      return messages.map((_, index) => results.get(index) as DeadLetterResult);
    },
  };
}
