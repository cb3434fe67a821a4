import { randomUUID } from "node:crypto";
import type { LambdaHandler } from "../../tooling/local-esm/invocation";
import { LocalEventSourceMapping } from "../../tooling/local-esm/local-esm";
import type { Bench } from "./aws-fixtures";
import { account, missingAndDuplicates, watchQueues } from "./chain";
import { committedOffsets, createTopics, produce, waitFor } from "./kafka-fixtures";

export interface ChainRunOptions {
  readonly bootstrap: string;
  readonly moto: string;
  readonly bench: Bench;
  readonly handler: LambdaHandler;
  readonly records: number;
  readonly partitions: number;
  /** Every `poisonEvery`-th record is not JSON (dead-lettered); 0 for none. */
  readonly poisonEvery?: number;
  readonly batchSize?: number;
  readonly timeoutMs?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface ChainRunResult {
  readonly records: number;
  /** From the first invocation's start to the last commit. */
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly delivered: number;
  readonly deadLettered: number;
  readonly toOnFailure: number;
  readonly missing: readonly string[];
  readonly duplicates: number;
  readonly invocations: number;
  readonly committed: boolean;
}

/**
 * Produces `records` JSON records to a fresh topic, runs the local ESM with the handler until every
 * partition is committed to its end, then accounts for every record on the bench's queues.
 */
export async function runChain(options: ChainRunOptions): Promise<ChainRunResult> {
  const { bootstrap, bench, handler, records, partitions } = options;
  const topic = `chain-${randomUUID().slice(0, 8)}`;
  const groupId = randomUUID();
  await createTopics(bootstrap, [topic], partitions);
  const poisonEvery = options.poisonEvery ?? 0;
  await produce(
    bootstrap,
    Array.from({ length: records }, (_, i) => ({
      topic,
      partition: i % partitions,
      key: Buffer.from(`order-${i}`),
      value: Buffer.from(
        poisonEvery > 0 && i % poisonEvery === poisonEvery - 1
          ? `not json ${i}`
          : JSON.stringify({ i, orderItems: ["a"] }),
      ),
    })),
  );
  const ends = Array.from(
    { length: partitions },
    (_, p) => Math.floor(records / partitions) + (p < records % partitions ? 1 : 0),
  );
  const drainer = watchQueues(bench);
  const esm = new LocalEventSourceMapping({
    brokers: [bootstrap],
    topics: [topic],
    handler,
    groupId,
    batchSize: options.batchSize ?? 100,
    batchingWindowMs: 100,
    reportBatchItemFailures: true,
    maximumRetryAttempts: 3,
    onFailure: bench.onFailureQueueUrl,
    sqsEndpoint: options.moto,
    retryDelayMs: 50,
    timeoutMs: options.timeoutMs ?? 30_000,
    log: options.log ?? (() => {}),
  });
  const started = Date.now();
  await esm.start();
  const committed = await waitFor(
    async () => {
      const offsets = await committedOffsets(bootstrap, groupId, [{ topic, partitions }]);
      return ends.every((end, p) => offsets.get(`${topic}-${p}`) === BigInt(end));
    },
    240_000,
    250,
  );
  const seconds = (Date.now() - started) / 1000;
  await esm.stop();
  const accounting = await account(bench, drainer);
  const expected = ends.flatMap((end, p) => Array.from({ length: end }, (_, o) => `${topic}-${p}:${o}`));
  const { missing, duplicates } = missingAndDuplicates(accounting, expected);
  return {
    records,
    seconds,
    recordsPerSecond: Math.round(records / seconds),
    delivered: accounting.delivered.size,
    deadLettered: accounting.deadLettered.size,
    toOnFailure: accounting.onFailure.size,
    missing,
    duplicates,
    invocations: esm.stats.invocations,
    committed,
  };
}
