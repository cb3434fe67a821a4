import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import type { KafkaEvent, KafkaRecord } from "../../lambda/core/kafka-event";
import type { BufferedRecord } from "./kafka-records";

/** A Lambda handler as the runtime calls it (async style). */
export type LambdaHandler = (event: KafkaEvent, context: Context) => Promise<unknown>;

/** Where the batch comes from: an MSK cluster (`aws:kafka` + its ARN) or a self-managed cluster. */
export interface EventSourceShape {
  readonly bootstrapServers: string;
  /** MSK cluster ARN; when set the event is `aws:kafka`, otherwise `SelfManagedKafka`. */
  readonly clusterArn?: string;
}

/** Builds the invocation event; `records` keyed `<topic>-<partition>`, in offset order per partition. */
export function buildEvent(source: EventSourceShape, batch: readonly BufferedRecord[]): KafkaEvent {
  const records: Record<string, KafkaRecord[]> = {};
  for (const { record } of batch) {
    const key = `${record.topic}-${record.partition}`;
    let list = records[key];
    if (!list) {
      list = [];
      records[key] = list;
    }
    list.push(record);
  }
  return source.clusterArn
    ? {
        eventSource: "aws:kafka",
        eventSourceArn: source.clusterArn,
        bootstrapServers: source.bootstrapServers,
        records,
      }
    : { eventSource: "SelfManagedKafka", bootstrapServers: source.bootstrapServers, records };
}

/** Bytes the event takes besides its records: the envelope plus one `"<topic>-<p>":[]` per partition. */
export function envelopeBytes(source: EventSourceShape): number {
  return Buffer.byteLength(JSON.stringify(buildEvent(source, [])));
}

export function partitionKeyBytes(topic: string, partition: number): number {
  return Buffer.byteLength(JSON.stringify(`${topic}-${partition}`)) + 4;
}

export interface FunctionIdentity {
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
  readonly memoryLimitInMB: number;
}

export function functionArn(identity: FunctionIdentity): string {
  return `arn:aws:lambda:${identity.region}:${identity.accountId}:function:${identity.functionName}`;
}

/** A Lambda context whose `getRemainingTimeInMillis()` counts down to the invocation's real deadline. */
export function lambdaContext(identity: FunctionIdentity, deadline: number, requestId: string): Context {
  const fail = (): never => {
    throw new Error("callback-style completion is not supported by the local ESM: return a promise");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: identity.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: functionArn(identity),
    memoryLimitInMB: String(identity.memoryLimitInMB),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${identity.functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll("-", "")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
}

/** What one invocation did with its batch, per partition: `failedFrom` is the lowest offset to retry. */
export type InvocationOutcome =
  | { readonly kind: "success" }
  | { readonly kind: "partial"; readonly failedFrom: ReadonlyMap<string, number> }
  | { readonly kind: "error"; readonly errorType: string; readonly errorMessage: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a handler's answer the way the Kafka ESM does with `ReportBatchItemFailures`: no failures is
 * success; each `itemIdentifier` must name a partition and offset of the batch, else the whole batch
 * failed. https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
 */
export function readBatchResponse(
  response: unknown,
  event: KafkaEvent,
  reportBatchItemFailures: boolean,
): InvocationOutcome {
  if (!reportBatchItemFailures || response === undefined || response === null) return { kind: "success" };
  if (!isObject(response) || response.batchItemFailures === undefined || response.batchItemFailures === null)
    return { kind: "success" };
  const failures = response.batchItemFailures;
  if (!Array.isArray(failures)) return invalid("batchItemFailures is not an array");
  const failedFrom = new Map<string, number>();
  for (const failure of failures) {
    const id = isObject(failure) ? failure.itemIdentifier : undefined;
    if (!isObject(id) || typeof id.partition !== "string" || typeof id.offset !== "number")
      return invalid(`invalid itemIdentifier ${JSON.stringify(failure)}`);
    const records = event.records[id.partition];
    if (!records?.some((r) => r.offset === id.offset))
      return invalid(`itemIdentifier ${JSON.stringify(id)} is not a record of the batch`);
    const previous = failedFrom.get(id.partition);
    if (previous === undefined || id.offset < previous) failedFrom.set(id.partition, id.offset);
  }
  return failedFrom.size === 0 ? { kind: "success" } : { kind: "partial", failedFrom };
}

function invalid(message: string): InvocationOutcome {
  return { kind: "error", errorType: "InvalidBatchItemFailures", errorMessage: message };
}

/**
 * Calls the handler in process with a serialised copy of the event (as Lambda would deliver it) and
 * a deadline of `timeoutMs`. A throw, a rejection or the deadline is a function error for the whole batch.
 */
export async function invoke(
  handler: LambdaHandler,
  event: KafkaEvent,
  context: Context,
  timeoutMs: number,
  reportBatchItemFailures: boolean,
): Promise<InvocationOutcome> {
  const delivered = JSON.parse(JSON.stringify(event)) as KafkaEvent;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<InvocationOutcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          kind: "error",
          errorType: "Sandbox.Timedout",
          errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
        }),
      timeoutMs,
    );
  });
  const run = (async (): Promise<InvocationOutcome> => {
    try {
      const response: unknown = await handler(delivered, context);
      return readBatchResponse(JSON.parse(JSON.stringify(response ?? null)), event, reportBatchItemFailures);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      return { kind: "error", errorType: e.name, errorMessage: e.message };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
