import type { DeadLetterSender } from "../adapters/sqs-dead-letters";
import { deadLetterMessage } from "../core/dead-letter-message";
import type { KafkaRecord } from "../core/kafka-event";
import { DEADLINE_ERROR_CODE, type Deadline } from "../delivery/deadline";
import { failed, type RecordOutcome } from "../delivery/outcome";
import type { PoisonRecordError } from "../errors";

export interface DeadLetterOptions {
  readonly connectorId: string;
  readonly deadlineMarginMs: number;
  readonly eventSourceArn: string | undefined;
  readonly now: () => Date;
}

/**
 * Stage 5 (SPEC §5): sends every poison record to the dead-letter queue. A record whose send fails, or
 * poison with no `DLQ_URL`, becomes failed: poison is never dropped.
 */
export async function deadLetterPoison(
  outcomes: Map<KafkaRecord, RecordOutcome>,
  deadLetters: DeadLetterSender | undefined,
  deadline: Deadline,
  options: DeadLetterOptions,
): Promise<void> {
  const poison: { record: KafkaRecord; error: PoisonRecordError }[] = [];
  outcomes.forEach((outcome, record) => {
    if (outcome.kind === "poison") poison.push({ record, error: outcome.error });
  });
  if (poison.length === 0) return;
  if (deadLetters === undefined) {
    for (const { record, error } of poison) {
      outcomes.set(
        record,
        failed(error.code, `poison record and no DLQ_URL to dead-letter it: ${error.message}`),
      );
    }
    return;
  }
  const now = options.now();
  const messages = poison.map(({ record, error }) =>
    deadLetterMessage(record, error, {
      connectorId: options.connectorId,
      eventSourceArn: options.eventSourceArn,
      now,
    }),
  );
  // The margin kept back from delivery is what dead-lettering may use.
  const budget = deadline.remainingMs() + options.deadlineMarginMs / 2;
  if (budget <= 0) {
    for (const { record } of poison)
      outcomes.set(record, failed(DEADLINE_ERROR_CODE, "no time left to dead-letter"));
    return;
  }
  const results = await deadLetters.send(messages, AbortSignal.timeout(budget));
  poison.forEach(({ record, error }, index) => {
    const result = results[index];
    outcomes.set(
      record,
      result?.sent
        ? { kind: "deadLettered", error }
        : failed(
            result?.code ?? "NotSent",
            `dead-letter send failed (${result?.message}); poison: ${error.message}`,
          ),
    );
  });
}
