import { randomUUID } from "node:crypto";
import { Admin, Consumer, ListOffsetTimestamps, ProduceAcks, Producer } from "@platformatic/kafka";
import {
  buildEvent,
  type EventSourceShape,
  envelopeBytes,
  type FunctionIdentity,
  functionArn,
  type InvocationOutcome,
  invoke,
  type LambdaHandler,
  lambdaContext,
  partitionKeyBytes,
} from "./invocation";
import type { KafkaConnectionOptions } from "./kafka-connection";
import { type BufferedRecord, type FetchedBatch, recordsOfBatch } from "./kafka-records";
import {
  type FailedBatch,
  type FailureCondition,
  fileDestination,
  kafkaDestination,
  type OnFailureDestination,
  sqsDestination,
} from "./on-failure";

/** Lambda's synchronous invocation payload quota, which caps a Kafka ESM batch. https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Kafka ESM defaults: batch size 100 (at most 10,000) and a 500 ms batching window. https://docs.aws.amazon.com/lambda/latest/dg/with-msk-configure.html */
export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_BATCHING_WINDOW_MS = 500;
/** With an on-failure destination and infinite retries, Lambda caps retries at 10. https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html */
const RETRIES_WITH_DESTINATION = 10;
const OFFSET_OUT_OF_RANGE = 1;
/** A destination send that takes longer counts as failed (and is retried): stop() must not hang on it. */
const DESTINATION_TIMEOUT_MS = 15_000;

export interface LocalEsmOptions {
  readonly brokers: readonly string[];
  readonly topics: readonly string[];
  readonly handler: LambdaHandler;
  /** Consumer group (Lambda's default is the ESM's UUID); default `local-esm-<topics>`. */
  readonly groupId?: string;
  /** MSK cluster ARN: makes the event `aws:kafka` with `eventSourceArn`; otherwise `SelfManagedKafka`. */
  readonly clusterArn?: string;
  /** Records per invocation, 1..10,000 (default 100). */
  readonly batchSize?: number;
  /** How long to gather records before invoking with fewer than `batchSize` (default 500 ms). */
  readonly batchingWindowMs?: number;
  /** Invocation payload cap in bytes (default 6 MB). */
  readonly maxPayloadBytes?: number;
  /** The function's timeout: `getRemainingTimeInMillis()` counts down from it (default 60 s). */
  readonly timeoutMs?: number;
  /** Where a group with no committed offset starts (default TRIM_HORIZON). */
  readonly startingPosition?: "TRIM_HORIZON" | "LATEST";
  /** The ESM's `ReportBatchItemFailures`: read `batchItemFailures` from the handler's answer. */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Retries of a failed record before it goes to `onFailure`; -1 = infinite (Lambda's default, and
   * capped at 10 when there is a destination). Without a destination retries never stop: nothing is
   * committed that was not handled.
   */
  readonly maximumRetryAttempts?: number;
  /** On-failure destination: an SQS queue URL, `kafka://<topic>` on the same cluster, or `file:<path>` (JSON lines). */
  readonly onFailure?: string;
  /** TLS and SASL for the brokers (see `kafkaConnectionOptions`). */
  readonly connection?: KafkaConnectionOptions;
  /** Called after each invocation has been handled (committed, retried or sent to the destination). */
  readonly onInvocation?: (summary: InvocationSummary) => void;
  /** SQS endpoint for the destination (default: the SDK's, which honours `AWS_ENDPOINT_URL_SQS`). */
  readonly sqsEndpoint?: string;
  /** First delay before a failed partition is retried; doubles per attempt up to 5 s (default 100 ms). */
  readonly retryDelayMs?: number;
  readonly functionName?: string;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** What one invocation did, for a progress line. */
export interface InvocationSummary {
  readonly requestId: string;
  readonly records: number;
  /** `<topic>-<partition>` of the batch. */
  readonly partitions: readonly string[];
  readonly ms: number;
  readonly outcome: "success" | "partial" | "error";
  /** The function error (`errorType: errorMessage`) when the invocation failed as a whole. */
  readonly error?: string;
  /** Records the function handled (delivered or dead-lettered): committed. */
  readonly succeeded: number;
  /** Records reported failed or in a failed invocation: retried, or sent to the destination. */
  readonly failed: number;
  /** Of the failed ones, how many went to the on-failure destination (their retries were exhausted). */
  readonly toDestination: number;
  /** Next offset committed per `<topic>-<partition>` by this invocation. */
  readonly committed: Readonly<Record<string, string>>;
}

/** The brokers could not be reached or refused the client: names the brokers and the cause. */
export class KafkaConnectionError extends Error {
  override readonly name = "KafkaConnectionError";
}

/**
 * The messages at the bottom of a Kafka client error (its `errors` and `cause` chain), each once, with
 * the broker's own explanation when it sent one (a failed SASL handshake says which mechanism and why).
 * Given the connection options, a connection the broker closed at once, with no SASL or no TLS
 * configured, gets a hint: that is how a SASL or SSL listener answers a client that does not speak it.
 */
export function kafkaErrorCauses(error: unknown, connection?: KafkaConnectionOptions): string[] {
  const leaves = new Set<string>();
  let closed = false;
  const walk = (e: unknown, depth: number) => {
    if (typeof e !== "object" || e === null || depth > 8) return;
    const { errors, cause, message, serverErrorMessage } = e as {
      errors?: unknown[];
      cause?: unknown;
      message?: string;
      serverErrorMessage?: unknown;
    };
    const children = [...(Array.isArray(errors) ? errors : []), ...(cause === undefined ? [] : [cause])];
    if (children.length === 0 && message) {
      const detail =
        typeof serverErrorMessage === "string" && serverErrorMessage !== "" && serverErrorMessage !== message
          ? `${message.replace(/\.$/, "")}: ${serverErrorMessage}`
          : message;
      leaves.add(detail);
      if (/^Connection closed/.test(message)) closed = true;
    }
    for (const child of children) walk(child, depth + 1);
  };
  walk(error, 0);
  if (leaves.size === 0) leaves.add(error instanceof Error ? error.message : String(error));
  const causes = [...leaves];
  if (closed && connection !== undefined && (connection.sasl === undefined || connection.tls === undefined)) {
    const missing = [connection.sasl === undefined ? "SASL" : "", connection.tls === undefined ? "TLS" : ""]
      .filter((m) => m !== "")
      .join(" or ");
    causes.push(`the broker closed the connection: does its listener need ${missing}?`);
  }
  return causes;
}

export interface LocalEsmStats {
  invocations: number;
  /** Records whose invocation succeeded (committed as handled by the function). */
  recordsSucceeded: number;
  /** Records sent to the on-failure destination. */
  recordsToDestination: number;
  /** Failed invocations or partitions that were retried. */
  retries: number;
  commitErrors: number;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to fetch. */
  nextFetch: bigint;
  /** Fetched, not yet handled records, offsets ascending. */
  buffer: BufferedRecord[];
  headArrivedAt: number;
  /** Offset of the first failed record and how many invocations failed on it. */
  failure?: { offset: bigint; count: number };
  notBefore: number;
}

const key = (topic: string, partition: number) => `${topic}-${partition}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A local stand-in for Lambda's Kafka event source mapping: consumes with a consumer group and
 * committed offsets, batches like the ESM, invokes the handler in process, honours
 * `batchItemFailures`, retries, and sends what exhausts its retries to an on-failure destination.
 * An offset is committed only once its record succeeded or reached the destination.
 */
export class LocalEventSourceMapping {
  readonly stats: LocalEsmStats = {
    invocations: 0,
    recordsSucceeded: 0,
    recordsToDestination: 0,
    retries: 0,
    commitErrors: 0,
  };
  readonly #options: LocalEsmOptions;
  readonly #source: EventSourceShape;
  readonly #identity: FunctionIdentity;
  readonly #batchSize: number;
  readonly #windowMs: number;
  readonly #maxPayload: number;
  readonly #maxRetries: number;
  readonly #log: (message: string, fields?: Record<string, unknown>) => void;
  readonly #states = new Map<string, PartitionState>();
  #consumer?: Consumer;
  #destination?: OnFailureDestination;
  #running = false;
  #aborted = false;
  #loop?: Promise<void>;
  #topicTurn = 0;

  constructor(options: LocalEsmOptions) {
    this.#options = options;
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
      throw new RangeError(`batchSize must be an integer in 1..10000, got ${batchSize}`);
    if (options.topics.length === 0) throw new RangeError("at least one topic is required");
    this.#batchSize = batchSize;
    this.#windowMs = options.batchingWindowMs ?? DEFAULT_BATCHING_WINDOW_MS;
    this.#maxPayload = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
    const retries = options.maximumRetryAttempts ?? -1;
    this.#maxRetries = options.onFailure ? (retries < 0 ? RETRIES_WITH_DESTINATION : retries) : -1;
    this.#source = {
      bootstrapServers: options.brokers.join(","),
      ...(options.clusterArn ? { clusterArn: options.clusterArn } : {}),
    };
    const arnParts = options.clusterArn?.split(":");
    this.#identity = {
      functionName: options.functionName ?? "local-esm-function",
      region: arnParts?.[3] || process.env.AWS_REGION || "us-east-1",
      accountId: arnParts?.[4] || "000000000000",
      memoryLimitInMB: 1024,
    };
    this.#log = options.log ?? ((message, fields) => console.error(`[local-esm] ${message}`, fields ?? ""));
    if (!options.onFailure && (options.maximumRetryAttempts ?? -1) >= 0)
      this.#log(
        "maximumRetryAttempts has no effect without an on-failure destination: retrying without limit",
      );
  }

  /** Joins the consumer group and starts polling; resolves once the first assignment is known. */
  async start(): Promise<void> {
    const { brokers, topics } = this.#options;
    const groupId = this.#options.groupId ?? `local-esm-${topics.join("-")}`;
    await this.#probe();
    const consumer = new Consumer({
      clientId: `local-esm-${randomUUID().slice(0, 8)}`,
      groupId,
      bootstrapBrokers: [...brokers],
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 1_000,
      autocommit: false,
      ...this.#options.connection,
    });
    this.#consumer = consumer;
    this.#destination = this.#createDestination();
    consumer.topics.trackAll(...topics);
    try {
      await consumer.joinGroup({});
    } catch (error) {
      await this.#close(true);
      throw new KafkaConnectionError(
        `cannot join consumer group ${groupId} through ${brokers.join(",")}: ${kafkaErrorCauses(error, this.#options.connection ?? {}).join("; ")}`,
        { cause: error },
      );
    }
    this.#running = true;
    this.#log("started", { groupId, topics, eventSource: this.#source });
    this.#loop = this.#run();
  }

  /**
   * Asks the brokers for metadata once, without the client's retries, so an unreachable broker, a TLS
   * or an authentication failure is reported at once rather than after the consumer's retry rounds.
   */
  async #probe(): Promise<void> {
    const probe = new Admin({
      clientId: `local-esm-probe-${randomUUID().slice(0, 8)}`,
      bootstrapBrokers: [...this.#options.brokers],
      retries: 0,
      ...this.#options.connection,
    });
    try {
      await probe.metadata({ topics: [] });
    } catch (error) {
      throw new KafkaConnectionError(
        `cannot reach Kafka through ${this.#options.brokers.join(",")}: ${kafkaErrorCauses(error, this.#options.connection ?? {}).join("; ")}`,
        { cause: error },
      );
    } finally {
      await probe.close().catch(() => {});
    }
  }

  /** Finishes the invocation in flight, commits what it handled, leaves the group. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.#close(false);
  }

  /** Stops like a crash: the invocation in flight is not committed (its records will be redelivered). */
  async abort(): Promise<void> {
    this.#aborted = true;
    this.#running = false;
    await this.#close(true);
  }

  #createDestination(): OnFailureDestination | undefined {
    const target = this.#options.onFailure;
    if (!target) return undefined;
    if (target.startsWith("kafka://")) {
      const producer = new Producer({
        clientId: "local-esm-on-failure",
        bootstrapBrokers: [...this.#options.brokers],
        // Idempotent: a retried produce request must not write the failure record twice.
        idempotent: true,
        acks: ProduceAcks.ALL,
        ...this.#options.connection,
      });
      return kafkaDestination(target.slice("kafka://".length), this.#source, producer);
    }
    if (/^https?:\/\//.test(target)) return sqsDestination(target, this.#source, this.#options.sqsEndpoint);
    if (target.startsWith("file:")) return fileDestination(target.slice("file:".length), this.#source);
    throw new RangeError(`onFailure must be an SQS queue URL, kafka://<topic> or file:<path>, got ${target}`);
  }

  async #close(force: boolean): Promise<void> {
    await Promise.allSettled([this.#consumer?.close(force), this.#destination?.close()]);
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.#syncAssignments();
        const ready = this.#readyBatch();
        if (ready) {
          await this.#process(ready);
          continue;
        }
        await this.#fetch();
      } catch (error) {
        if (!this.#running) break;
        this.#log("poll error, retrying", { error: String(error) });
        await sleep(500);
      }
    }
  }

  async #syncAssignments(): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer) return;
    const assigned = new Map<string, { topic: string; partition: number }>();
    for (const { topic, partitions } of consumer.assignments ?? []) {
      for (const partition of partitions) assigned.set(key(topic, partition), { topic, partition });
    }
    for (const k of [...this.#states.keys()]) if (!assigned.has(k)) this.#states.delete(k);
    const added = [...assigned.entries()].filter(([k]) => !this.#states.has(k)).map(([, tp]) => tp);
    if (added.length === 0) return;
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of added) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    const committed = await consumer.listCommittedOffsets({
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    });
    const missing = added.filter(({ topic, partition }) => (committed.get(topic)?.[partition] ?? -1n) < 0n);
    const starts =
      missing.length > 0
        ? await consumer.listOffsets({
            topics: [...new Set(missing.map((m) => m.topic))],
            timestamp:
              this.#options.startingPosition === "LATEST"
                ? ListOffsetTimestamps.LATEST
                : ListOffsetTimestamps.EARLIEST,
          })
        : new Map<string, bigint[]>();
    for (const { topic, partition } of added) {
      const at = committed.get(topic)?.[partition] ?? -1n;
      const nextFetch = at >= 0n ? at : (starts.get(topic)?.[partition] ?? 0n);
      this.#states.set(key(topic, partition), {
        topic,
        partition,
        nextFetch,
        buffer: [],
        headArrivedAt: 0,
        notBefore: 0,
      });
    }
    this.#log("assigned", { partitions: [...this.#states.keys()] });
  }

  #readyBatch(): { records: BufferedRecord[]; condition?: FailureCondition } | undefined {
    const now = Date.now();
    const topics = this.#options.topics;
    for (let i = 0; i < topics.length; i++) {
      const topic = topics[(this.#topicTurn + i) % topics.length];
      const states = [...this.#states.values()]
        .filter((s) => s.topic === topic && s.buffer.length > 0 && s.notBefore <= now)
        .sort((a, b) => a.partition - b.partition);
      if (states.length === 0) continue;
      const envelope = envelopeBytes(this.#source);
      for (const s of states) {
        const head = s.buffer[0] as BufferedRecord;
        if (envelope + partitionKeyBytes(s.topic, s.partition) + head.jsonBytes > this.#maxPayload) {
          this.#topicTurn = (this.#topicTurn + i + 1) % topics.length;
          return { records: [head], condition: "MaximumPayloadSizeExceeded" };
        }
      }
      const count = states.reduce((n, s) => n + s.buffer.length, 0);
      const bytes = states.reduce((n, s) => n + s.buffer.reduce((m, r) => m + r.jsonBytes + 1, 0), envelope);
      const oldest = Math.min(...states.map((s) => s.headArrivedAt));
      if (
        count < this.#batchSize &&
        bytes < this.#maxPayload &&
        now - oldest < this.#windowMs &&
        this.#running
      )
        continue;
      this.#topicTurn = (this.#topicTurn + i + 1) % topics.length;
      return { records: this.#takeBatch(states, envelope) };
    }
    return undefined;
  }

  /** Takes records round-robin across partitions (each partition in offset order) up to the size caps. */
  #takeBatch(states: PartitionState[], envelope: number): BufferedRecord[] {
    const taken: BufferedRecord[] = [];
    const cursor = new Map<PartitionState, number>();
    let bytes = envelope;
    let progress = true;
    while (progress && taken.length < this.#batchSize) {
      progress = false;
      for (const s of states) {
        const index = cursor.get(s) ?? 0;
        const next = s.buffer[index];
        if (!next || taken.length >= this.#batchSize) continue;
        const extra = next.jsonBytes + 1 + (index === 0 ? partitionKeyBytes(s.topic, s.partition) : 0);
        if (bytes + extra > this.#maxPayload) continue;
        bytes += extra;
        taken.push(next);
        cursor.set(s, index + 1);
        progress = true;
      }
    }
    return taken;
  }

  async #process(batch: { records: BufferedRecord[]; condition?: FailureCondition }): Promise<void> {
    const requestId = randomUUID();
    if (batch.condition === "MaximumPayloadSizeExceeded") {
      const failed: FailedBatch = {
        records: batch.records,
        condition: batch.condition,
        requestId,
        functionArn: functionArn(this.#identity),
        approximateInvokeCount: 0,
      };
      await this.#toDestination(failed);
      return;
    }
    const event = buildEvent(this.#source, batch.records);
    const timeoutMs = this.#options.timeoutMs ?? 60_000;
    const startedAt = Date.now();
    const context = lambdaContext(this.#identity, startedAt + timeoutMs, requestId);
    const outcome = await invoke(
      this.#options.handler,
      event,
      context,
      timeoutMs,
      this.#options.reportBatchItemFailures ?? false,
    );
    this.stats.invocations++;
    if (this.#aborted) return;
    this.#log("invoked", {
      requestId,
      records: batch.records.length,
      partitions: Object.keys(event.records),
      ms: Date.now() - startedAt,
      outcome: outcome.kind === "partial" ? Object.fromEntries(outcome.failedFrom) : outcome.kind,
    });
    if (outcome.kind === "error") this.#log("invocation failed", { requestId, ...outcome });
    const byPartition = new Map<string, BufferedRecord[]>();
    for (const r of batch.records) {
      const k = key(r.record.topic, r.record.partition);
      byPartition.set(k, [...(byPartition.get(k) ?? []), r]);
    }
    const commits: BufferedRecord[] = [];
    const exhausted: BufferedRecord[] = [];
    let maxCount = 0;
    for (const [k, records] of byPartition) {
      const state = this.#states.get(k);
      if (!state) continue; // revoked while the function ran: the new owner redelivers
      const failedFrom = failedOffset(outcome, k, records);
      const succeeded = failedFrom === undefined ? records : records.filter((r) => r.offset < failedFrom);
      if (succeeded.length > 0) {
        state.buffer.splice(0, succeeded.length);
        commits.push(succeeded[succeeded.length - 1] as BufferedRecord);
        this.stats.recordsSucceeded += succeeded.length;
        state.failure = undefined;
      }
      if (failedFrom === undefined) continue;
      const count = state.failure?.offset === failedFrom ? state.failure.count + 1 : 1;
      state.failure = { offset: failedFrom, count };
      maxCount = Math.max(maxCount, count);
      if (this.#maxRetries >= 0 && count > this.#maxRetries) {
        exhausted.push(...records.filter((r) => r.offset >= failedFrom));
      } else {
        this.stats.retries++;
        const delay = Math.min(5_000, (this.#options.retryDelayMs ?? 100) * 2 ** (count - 1));
        state.notBefore = Date.now() + delay;
      }
    }
    await this.#commit(commits);
    const committed: Record<string, string> = {};
    for (const r of commits) committed[key(r.record.topic, r.record.partition)] = String(r.offset + 1n);
    let sentToDestination = 0;
    if (exhausted.length > 0) {
      sentToDestination = await this.#toDestination({
        records: exhausted,
        condition: "RetryAttemptsExhausted",
        requestId,
        functionArn: functionArn(this.#identity),
        approximateInvokeCount: maxCount,
        ...(outcome.kind === "error" ? { functionError: "Unhandled" } : {}),
      });
      // Stored at the destination, they were committed too (exhausted is in offset order per partition).
      if (sentToDestination > 0)
        for (const r of exhausted) committed[key(r.record.topic, r.record.partition)] = String(r.offset + 1n);
    }
    const succeeded = batch.records.length - failedCount(outcome, byPartition);
    this.#options.onInvocation?.({
      requestId,
      records: batch.records.length,
      partitions: Object.keys(event.records),
      ms: Date.now() - startedAt,
      outcome: outcome.kind,
      ...(outcome.kind === "error" ? { error: `${outcome.errorType}: ${outcome.errorMessage}` } : {}),
      succeeded,
      failed: batch.records.length - succeeded,
      toDestination: sentToDestination,
      committed,
    });
  }

  /** Sends to the destination and commits; resolves with how many records it stored (0 when it could not). */
  async #toDestination(failed: FailedBatch): Promise<number> {
    const destination = this.#destination;
    if (!destination) {
      this.#log("record cannot be invoked and there is no on-failure destination: partition paused", {
        condition: failed.condition,
      });
      for (const r of failed.records) {
        const state = this.#states.get(key(r.record.topic, r.record.partition));
        if (state) state.notBefore = Date.now() + 5_000;
      }
      return 0;
    }
    try {
      await withTimeout(
        destination.send(failed),
        DESTINATION_TIMEOUT_MS,
        `${destination.description} did not answer`,
      );
    } catch (error) {
      this.#log("on-failure destination send failed, will retry", { error: String(error) });
      for (const r of failed.records) {
        const state = this.#states.get(key(r.record.topic, r.record.partition));
        if (state) state.notBefore = Date.now() + 1_000;
      }
      return 0;
    }
    this.#log("sent to on-failure destination", {
      destination: destination.description,
      condition: failed.condition,
      records: failed.records.length,
    });
    this.stats.recordsToDestination += failed.records.length;
    const last = new Map<string, BufferedRecord>();
    for (const r of failed.records) {
      const k = key(r.record.topic, r.record.partition);
      const state = this.#states.get(k);
      if (!state) continue;
      state.buffer = state.buffer.filter((b) => b.offset > r.offset);
      state.failure = undefined;
      state.notBefore = 0;
      last.set(k, r);
    }
    await this.#commit([...last.values()]);
    return failed.records.length;
  }

  /** Commits `offset + 1` of each given record (the last handled one of its partition). */
  async #commit(lastHandled: readonly BufferedRecord[]): Promise<void> {
    if (lastHandled.length === 0 || !this.#consumer) return;
    try {
      await this.#consumer.commit({
        offsets: lastHandled.map((r) => ({
          topic: r.record.topic,
          partition: r.record.partition,
          offset: r.offset + 1n,
          leaderEpoch: r.leaderEpoch,
        })),
      });
    } catch (error) {
      this.stats.commitErrors++;
      this.#log("commit failed (records will be redelivered after a rebalance or restart)", {
        error: String(error),
      });
    }
  }

  async #fetch(): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer) return;
    const wanted = [...this.#states.values()].filter(
      (s) =>
        s.buffer.length < this.#batchSize && s.buffer.reduce((n, r) => n + r.jsonBytes, 0) < this.#maxPayload,
    );
    const buffered = [...this.#states.values()].some((s) => s.buffer.length > 0);
    const maxWaitTime = buffered ? Math.max(10, Math.min(100, this.#windowMs)) : 500;
    if (wanted.length === 0) {
      await sleep(buffered ? 20 : 200);
      return;
    }
    const metadata = await consumer.metadata({ topics: [...this.#options.topics] });
    const byNode = new Map<number, PartitionState[]>();
    for (const s of wanted) {
      const leader = metadata.topics.get(s.topic)?.partitions[s.partition]?.leader ?? -1;
      byNode.set(leader, [...(byNode.get(leader) ?? []), s]);
    }
    const topicNames = new Map([...metadata.topics].map(([name, t]) => [t.id, name]));
    await Promise.all(
      [...byNode].map(async ([node, states]) => {
        const topics = new Map<string, PartitionState[]>();
        for (const s of states) topics.set(s.topic, [...(topics.get(s.topic) ?? []), s]);
        const requested = new Map(states.map((s) => [key(s.topic, s.partition), s.nextFetch]));
        let response: Awaited<ReturnType<Consumer["fetch"]>>;
        try {
          response = await consumer.fetch({
            node,
            maxWaitTime,
            minBytes: 1,
            maxBytes: 2 * this.#maxPayload,
            topics: [...topics].map(([topic, ss]) => ({
              topicId: metadata.topics.get(topic)?.id ?? "",
              partitions: ss.map((s) => ({
                partition: s.partition,
                fetchOffset: s.nextFetch,
                partitionMaxBytes: this.#maxPayload + 1024 * 1024,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              })),
            })),
          });
        } catch (error) {
          const handled = await this.#resetOutOfRange(error, topicNames);
          if (!handled) throw error;
          return;
        }
        const now = Date.now();
        for (const topicResponse of response.responses) {
          const topic = topicNames.get(topicResponse.topicId);
          if (!topic) continue;
          for (const p of topicResponse.partitions) {
            const state = this.#states.get(key(topic, p.partitionIndex));
            if (!state || requested.get(key(topic, p.partitionIndex)) !== state.nextFetch) continue;
            if (p.errorCode !== 0 || !p.records || p.records.length === 0) continue;
            const wasEmpty = state.buffer.length === 0;
            for (const batch of p.records as FetchedBatch[] & { lastOffsetDelta?: number }[]) {
              state.buffer.push(...recordsOfBatch(topic, p.partitionIndex, batch, state.nextFetch));
            }
            const lastBatch = p.records[p.records.length - 1];
            if (lastBatch) {
              const end = lastBatch.firstOffset + BigInt(lastBatch.lastOffsetDelta) + 1n;
              if (end > state.nextFetch) state.nextFetch = end;
            }
            if (wasEmpty && state.buffer.length > 0) state.headArrivedAt = now;
          }
        }
      }),
    );
  }

  async #resetOutOfRange(error: unknown, topicNames: Map<string, string>): Promise<boolean> {
    const response = (error as { response?: Awaited<ReturnType<Consumer["fetch"]>> }).response;
    if (!response?.responses) return false;
    let handled = false;
    for (const topicResponse of response.responses) {
      const topic = topicNames.get(topicResponse.topicId);
      if (!topic) continue;
      for (const p of topicResponse.partitions) {
        const state = this.#states.get(key(topic, p.partitionIndex));
        if (!state || p.errorCode !== OFFSET_OUT_OF_RANGE) continue;
        this.#log("offset out of range, restarting at the log start", {
          partition: key(topic, p.partitionIndex),
          from: String(state.nextFetch),
          to: String(p.logStartOffset),
        });
        state.nextFetch = p.logStartOffset;
        state.buffer = [];
        handled = true;
      }
    }
    return handled;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Records of the batch the invocation did not handle: all on an error, else those from each failed offset on. */
function failedCount(
  outcome: InvocationOutcome,
  byPartition: ReadonlyMap<string, readonly BufferedRecord[]>,
): number {
  let count = 0;
  for (const [k, records] of byPartition) {
    const from = failedOffset(outcome, k, records);
    if (from !== undefined) count += records.filter((r) => r.offset >= from).length;
  }
  return count;
}

function failedOffset(
  outcome: InvocationOutcome,
  partitionKey: string,
  records: readonly BufferedRecord[],
): bigint | undefined {
  if (outcome.kind === "success") return undefined;
  if (outcome.kind === "error") return records[0]?.offset;
  const offset = outcome.failedFrom.get(partitionKey);
  return offset === undefined ? undefined : BigInt(offset);
}
