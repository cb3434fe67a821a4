import type { DeadLetterMessage } from "../core/dead-letter-message";
import type { RecordCoordinates } from "../core/kafka-event";
import { claimCheckKey } from "./claim-check";

/**
 * The fields an oversize dead-letter message keeps in SQS: the record's coordinates and the reason.
 * Everything else (key, value, headers: what made it large) is in the object `dataref` names.
 */
const KEPT_FIELDS = [
  "version",
  "connectorId",
  "topic",
  "partition",
  "offset",
  "timestamp",
  "timestampType",
  "errorCode",
  "errorMessage",
  "eventSourceArn",
  "deadLetteredAt",
] as const;

/**
 * Where the full body of a record's oversize dead-letter message is kept: next to its event claim
 * check, `<prefix><topic>/<partition>/<offset>.dead-letter.json`, so the same `<prefix>*` grant covers it.
 */
export function deadLetterObjectKey(prefix: string, record: RecordCoordinates): string {
  return `${claimCheckKey(prefix, record)}.dead-letter.json`;
}

/**
 * The message sent in place of one over SQS's 1 MiB (SPEC §5): the same attributes, and a body holding
 * the kept fields plus `dataref`, the ARN of the object that holds the original body whole.
 */
export function claimCheckedDeadLetter(message: DeadLetterMessage, dataref: string): DeadLetterMessage {
  const full = JSON.parse(message.body) as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const name of KEPT_FIELDS) if (name in full) kept[name] = full[name];
  kept.dataref = dataref;
  const body = JSON.stringify(kept);
  return {
    ...message,
    body,
    size: message.size - Buffer.byteLength(message.body) + Buffer.byteLength(body),
  };
}
