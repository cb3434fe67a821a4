import { randomUUID } from "node:crypto";
import { expect, inject } from "vitest";
import type { LambdaHandler } from "../../tooling/local-esm/invocation";
import { LocalEventSourceMapping } from "../../tooling/local-esm/local-esm";
import { committedOffsets, waitFor } from "./kafka-fixtures";

/** A topic of the test broker and the offset each of its partitions must reach. */
export interface TopicEnd {
  readonly topic: string;
  readonly partitions: number;
  readonly end: readonly number[];
}

/**
 * Runs a local ESM with partial batch responses on the test broker, in a fresh consumer group, until every
 * partition's committed offset reaches its end. `E2E_DEBUG=1` logs what the mapping does.
 */
export async function runUntilCommitted(
  handler: LambdaHandler,
  topics: readonly TopicEnd[],
  options: { batchSize?: number; batchingWindowMs?: number } = {},
): Promise<void> {
  const bootstrap = inject("kafkaBootstrap");
  const groupId = randomUUID();
  const esm = new LocalEventSourceMapping({
    brokers: [bootstrap],
    topics: topics.map((t) => t.topic),
    handler,
    groupId,
    reportBatchItemFailures: true,
    timeoutMs: 60_000,
    log: process.env.E2E_DEBUG
      ? (message, fields) => console.log(new Date().toISOString(), message, JSON.stringify(fields))
      : () => {},
    ...options,
  });
  await esm.start();
  const done = await waitFor(
    async () => {
      const committed = await committedOffsets(bootstrap, groupId, topics);
      return topics.every((t) => t.end.every((end, p) => committed.get(`${t.topic}-${p}`) === BigInt(end)));
    },
    120_000,
    300,
  );
  await esm.stop();
  if (process.env.E2E_DEBUG) console.log(new Date().toISOString(), JSON.stringify(esm.stats));
  expect(done, "every partition committed to its end").toBe(true);
}
