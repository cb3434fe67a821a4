import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { type DeadLetterMessage, SQS_MAX_BATCH_ENTRIES, SQS_MAX_BYTES } from "../core/dead-letter-message";
import { packRequests } from "../core/pack-requests";
import { requestFailure } from "./request-failure";

/** What became of one dead-letter message: sent, or the reason it was not. */
export type DeadLetterResult =
  | { readonly sent: true }
  | { readonly sent: false; readonly code: string; readonly message: string };

export interface DeadLetterSender {
  /** Sends the messages; resolves with one result per message, in order. Never rejects. */
  send(messages: readonly DeadLetterMessage[], signal: AbortSignal): Promise<DeadLetterResult[]>;
}

/**
 * Sends dead letters with SendMessageBatch (≤ 10 messages and ≤ 1 MiB per call), concurrently, and
 * reads each call's `Failed` list: a message is "sent" only when SQS listed it as `Successful`.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */
export function sqsDeadLetters(client: SQSClient, queueUrl: string): DeadLetterSender {
  return {
    async send(messages, signal) {
      const results: DeadLetterResult[] = messages.map(() => ({
        sent: false,
        code: "NotSent",
        message: "no answer from SQS",
      }));
      const indexed = messages.map((message, index) => ({ message, index, size: message.size }));
      const fitting = indexed.filter((item) => item.size <= SQS_MAX_BYTES);
      for (const item of indexed) {
        if (item.size > SQS_MAX_BYTES) {
          results[item.index] = {
            sent: false,
            code: "MessageTooLarge",
            message: `dead-letter message of ${item.size} bytes exceeds SQS's ${SQS_MAX_BYTES}`,
          };
        }
      }
      const batches = packRequests(fitting, SQS_MAX_BYTES, SQS_MAX_BATCH_ENTRIES);
      await Promise.all(
        batches.map(async (batch) => {
          try {
            const answer = await client.send(
              new SendMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: batch.map((item) => ({
                  Id: String(item.index),
                  MessageBody: item.message.body,
                  MessageAttributes: item.message.attributes,
                })),
              }),
              // A signal of its own per call, following the caller's: the SDK's HTTP handler adds an
              // abort listener per request in flight, and more than 10 on one signal make Node print
              // MaxListenersExceededWarning. AbortSignal.any adds no listener to its sources.
              { abortSignal: AbortSignal.any([signal]) },
            );
            for (const ok of answer.Successful ?? []) results[Number(ok.Id)] = { sent: true };
            for (const bad of answer.Failed ?? []) {
              results[Number(bad.Id)] = {
                sent: false,
                code: bad.Code ?? "Failed",
                message: bad.Message ?? "",
              };
            }
          } catch (error) {
            const failure = requestFailure(error);
            for (const item of batch)
              results[item.index] = { sent: false, code: failure.code, message: failure.message };
          }
        }),
      );
      return results;
    },
  };
}

/** The queue's region, read from an AWS queue URL (`https://sqs.<region>.amazonaws.com/...`). */
function regionOfQueue(queueUrl: string): string | undefined {
  return /^https:\/\/sqs\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?\//.exec(queueUrl)?.[1];
}

/** An SQS client for the dead-letter queue, signing for the queue's own region when its URL shows one. */
export function sqsClient(queueUrl: string): SQSClient {
  const region = regionOfQueue(queueUrl);
  return new SQSClient(region === undefined ? {} : { region });
}
