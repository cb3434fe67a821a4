import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { DeadLetterBody } from "../../lambda/core/dead-letter-message";
import { type KafkaRecord, partitionKey } from "../../lambda/core/kafka-event";
import { parseDeadLetterBody, recordOfDeadLetter } from "./dead-letter-body";
import { type ReplayOutcome, type ReplayTarget, replayEvent } from "./replay-target";

export interface ReplayOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** Where records are replayed; with `dryRun` nothing is invoked and nothing deleted. */
  readonly target: ReplayTarget | undefined;
  readonly dryRun?: boolean;
  /** Most dead letters to replay (default: all). */
  readonly limit?: number;
  /** Only dead letters of these topics / with these error codes (default: all). */
  readonly topics?: readonly string[];
  readonly errorCodes?: readonly string[];
  /** How long received messages stay hidden from other consumers while the run holds them (default 300 s). */
  readonly visibilityTimeoutSeconds?: number;
  /** Long-poll wait of each receive; an empty answer ends the run (default 1 s). */
  readonly waitTimeSeconds?: number;
  /**
   * Reads the full body of a dead letter kept in the claim-check bucket (the message's `dataref`, an S3
   * object ARN). Without it such dead letters are left in the queue as not readable here.
   */
  readonly readClaimCheck?: (dataref: string) => Promise<string>;
  readonly now?: () => Date;
  /** One line per replayed record, and per message left in the queue for a reason. */
  readonly log?: (line: string) => void;
}

export interface ReplayReport {
  /** Messages received (each counted once, however often SQS handed it out). */
  received: number;
  /** Dead letters replayed (or, in a dry run, that would be). */
  replayed: number;
  delivered: number;
  deadLetteredAgain: number;
  /** Delivered or dead-lettered again, not known which (the deployed function's log tail was cut). */
  handled: number;
  /** Still failing: their messages stay in the queue. */
  failed: number;
  /** Left alone: another topic or error code than asked for. */
  filteredOut: number;
  /** Left alone: bodies that are not dead letters of this function. */
  invalid: number;
  /** Left alone: dead letters kept in the claim-check bucket whose object could not be read. */
  unreadable: number;
  /** Left alone: dead letters this run itself created (a record poison again). */
  createdByThisRun: number;
  /** Handled records whose message could not be deleted: replaying again would duplicate them. */
  deleteFailures: number;
}

interface Held {
  readonly message: Message;
  readonly body: DeadLetterBody;
  readonly record: KafkaRecord;
}

const coordinates = (record: KafkaRecord) => `${partitionKey(record)}@${record.offset}`;

/**
 * Replays the dead letters of a queue: receives them, rebuilds each record from its exact bytes, runs
 * them through `target` (at most one record per partition per event, so a partial batch response
 * names exactly the records that failed), and deletes a message only once its record is handled:
 * delivered, or dead-lettered again (a new message then holds it). Every message it does not delete is
 * made visible again at the end.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  const { sqs, queueUrl, target } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const startedAt = now().toISOString();
  const report: ReplayReport = {
    received: 0,
    replayed: 0,
    delivered: 0,
    deadLetteredAgain: 0,
    handled: 0,
    failed: 0,
    filteredOut: 0,
    invalid: 0,
    unreadable: 0,
    createdByThisRun: 0,
    deleteFailures: 0,
  };
  if (!options.dryRun && target === undefined) throw new Error("a replay target is required unless dry run");
  const seen = new Set<string>();
  const replayedRecords = new Set<string>();
  const keep: Message[] = [];
  const batchSize = target?.batchSize ?? 10;

  try {
    while (report.replayed < limit) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 300,
          WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        }),
      );
      const fresh = Messages.filter((m) => m.MessageId !== undefined && !seen.has(m.MessageId));
      if (fresh.length === 0) break;
      const batch: Held[] = [];
      for (const message of fresh) {
        seen.add(message.MessageId as string);
        report.received++;
        const found = await deadLetterOf(message, options.readClaimCheck);
        if ("unreadable" in found) {
          report.unreadable++;
          log(`message ${message.MessageId} kept: ${found.unreadable}`);
          keep.push(message);
          continue;
        }
        if ("invalid" in found) {
          report.invalid++;
          log(`message ${message.MessageId} kept: not a dead letter of this function (${found.invalid})`);
          keep.push(message);
          continue;
        }
        const { body } = found;
        const record = recordOfDeadLetter(body);
        if (body.deadLetteredAt >= startedAt || replayedRecords.has(coordinates(record))) {
          report.createdByThisRun++;
          keep.push(message);
          continue;
        }
        const topicOk = options.topics === undefined || options.topics.includes(body.topic);
        const codeOk = options.errorCodes === undefined || options.errorCodes.includes(body.errorCode);
        if (!topicOk || !codeOk || report.replayed + batch.length >= limit) {
          report.filteredOut += topicOk && codeOk ? 0 : 1;
          keep.push(message);
          continue;
        }
        replayedRecords.add(coordinates(record));
        batch.push({ message, body, record });
      }
      report.replayed += batch.length;
      if (options.dryRun || target === undefined) {
        for (const held of batch) {
          log(`${coordinates(held.record)} ${held.body.errorCode}: would be replayed (dry run)`);
          keep.push(held.message);
        }
        continue;
      }
      await replayBatch(batch, target, sqs, queueUrl, report, keep, log, batchSize);
    }
  } finally {
    await release(sqs, queueUrl, keep);
  }
  return report;
}

/**
 * The dead letter a message holds: its own body, or for one whose body went to the claim-check bucket,
 * the object's, which must be the same record's.
 */
async function deadLetterOf(
  message: Message,
  readClaimCheck: ReplayOptions["readClaimCheck"],
): Promise<
  { readonly body: DeadLetterBody } | { readonly invalid: string } | { readonly unreadable: string }
> {
  const kept = parseDeadLetterBody(message.Body ?? "");
  if (typeof kept === "string") return { invalid: kept };
  if (!("dataref" in kept)) return { body: kept };
  const { dataref, topic, partition, offset } = kept;
  if (readClaimCheck === undefined)
    return {
      invalid: `its record is in the claim-check bucket (${dataref}), which this replay does not read`,
    };
  let full: string;
  try {
    full = await readClaimCheck(dataref);
  } catch (error) {
    return { unreadable: `its body could not be read from ${dataref}: ${errorText(error)}` };
  }
  const body = parseDeadLetterBody(full);
  if (typeof body === "string") return { invalid: `the object ${dataref}: ${body}` };
  if ("dataref" in body) return { invalid: `the object ${dataref}: not a whole dead letter` };
  if (body.topic !== topic || body.partition !== partition || body.offset !== offset)
    return { invalid: `the object ${dataref} holds another record's dead letter` };
  return { body };
}

const errorText = (error: unknown) =>
  error instanceof Error
    ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
    : String(error);

/** Splits held dead letters into events of at most one record per partition (and `batchSize` records). */
function rounds(batch: readonly Held[], batchSize: number): Held[][] {
  const out: { held: Held[]; partitions: Set<string>; arn: string | null }[] = [];
  for (const held of batch) {
    const partition = partitionKey(held.record);
    const arn = held.body.eventSourceArn;
    let round = out.find((r) => r.arn === arn && !r.partitions.has(partition) && r.held.length < batchSize);
    if (round === undefined) {
      round = { held: [], partitions: new Set(), arn };
      out.push(round);
    }
    round.held.push(held);
    round.partitions.add(partition);
  }
  return out.map((r) => r.held);
}

async function replayBatch(
  batch: readonly Held[],
  target: ReplayTarget,
  sqs: SQSClient,
  queueUrl: string,
  report: ReplayReport,
  keep: Message[],
  log: (line: string) => void,
  batchSize: number,
): Promise<void> {
  for (const round of rounds(batch, batchSize)) {
    const event = replayEvent(
      round.map((held) => held.record),
      round[0]?.body.eventSourceArn ?? null,
    );
    const outcomes = await target.run(event);
    const done: Held[] = [];
    const records = Object.values(event.records).flat();
    round.forEach((held, index) => {
      const record = records[index] as KafkaRecord;
      const outcome: ReplayOutcome = outcomes.get(record) ?? {
        kind: "failed",
        code: "NoOutcome",
        message: "the target reported nothing for this record",
      };
      const where = `${coordinates(held.record)} (was ${held.body.errorCode})`;
      if (outcome.kind === "failed") {
        report.failed++;
        keep.push(held.message);
        log(`${where}: failed again, kept in the queue: ${outcome.code}: ${outcome.message}`);
        return;
      }
      if (outcome.kind === "delivered") report.delivered++;
      else if (outcome.kind === "deadLettered") report.deadLetteredAgain++;
      else report.handled++;
      log(
        `${where}: ${outcome.kind === "delivered" ? "delivered" : outcome.kind === "deadLettered" ? `dead-lettered again (${outcome.code}), a new message holds it` : "handled (delivered or dead-lettered again)"}`,
      );
      done.push(held);
    });
    await deleteHandled(sqs, queueUrl, done, report, log);
  }
}

async function deleteHandled(
  sqs: SQSClient,
  queueUrl: string,
  done: readonly Held[],
  report: ReplayReport,
  log: (line: string) => void,
): Promise<void> {
  for (let i = 0; i < done.length; i += 10) {
    const chunk = done.slice(i, i + 10);
    try {
      const answer = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((held, index) => ({
            Id: String(index),
            ReceiptHandle: held.message.ReceiptHandle as string,
          })),
        }),
      );
      for (const failed of answer.Failed ?? []) {
        report.deleteFailures++;
        const held = chunk[Number(failed.Id)];
        log(
          `${held ? coordinates(held.record) : failed.Id}: handled but its message was not deleted: ${failed.Code}`,
        );
      }
    } catch (error) {
      report.deleteFailures += chunk.length;
      log(`${chunk.length} handled messages not deleted: ${(error as Error).message}`);
    }
  }
}

/** Makes the messages this run held but did not delete visible again at once. */
async function release(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    try {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((m, index) => ({
            Id: String(index),
            ReceiptHandle: m.ReceiptHandle as string,
            VisibilityTimeout: 0,
          })),
        }),
      );
    } catch {
      // They come back by themselves when their visibility timeout ends; nothing is lost.
    }
  }
}

/** The one-line summary the CLI prints. */
export function formatReplayReport(report: ReplayReport, dryRun: boolean): string {
  if (dryRun) {
    const unreadable = report.unreadable > 0 ? `, ${report.unreadable} not readable from the bucket` : "";
    return `dry run: ${report.replayed} dead letter(s) would be replayed; ${report.filteredOut} filtered out, ${report.invalid} not dead letters${unreadable}; nothing was invoked or deleted`;
  }
  const parts = [
    `${report.delivered} delivered`,
    `${report.deadLetteredAgain} dead-lettered again`,
    ...(report.handled > 0 ? [`${report.handled} handled (delivered or dead-lettered again)`] : []),
    `${report.failed} failed (kept in the queue)`,
  ];
  const left = [
    ...(report.filteredOut > 0 ? [`${report.filteredOut} filtered out`] : []),
    ...(report.invalid > 0 ? [`${report.invalid} not dead letters`] : []),
    ...(report.unreadable > 0 ? [`${report.unreadable} not readable from the claim-check bucket`] : []),
    ...(report.createdByThisRun > 0 ? [`${report.createdByThisRun} new dead letters of this run`] : []),
    ...(report.deleteFailures > 0
      ? [`${report.deleteFailures} handled but not deleted (replaying again duplicates them)`]
      : []),
  ];
  return `replayed ${report.replayed}: ${parts.join(", ")}${left.length > 0 ? `; left in the queue: ${left.join(", ")}` : ""}`;
}
