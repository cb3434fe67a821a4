import type { LambdaHandler } from "../../tooling/local-esm/invocation";
import { type Bench, createBench, drainContinuously, type QueueDrainer } from "./aws-fixtures";
import { type FaultProxy, startFaultProxy } from "./fault-proxy";
import { loadHandler } from "./load-handler";

/** The fields of `detail`, in the connector's order (SPEC §3). */
export const DETAIL_FIELDS = [
  "topic",
  "partition",
  "offset",
  "timestamp",
  "timestampType",
  "headers",
  "key",
  "value",
];

/** The function's environment for a bench: bus, DLQ, partial batch response, endpoints. */
export function handlerEnv(
  bench: Bench,
  connectorId: string,
  eventBridgeUrl: string,
  sqsUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    CONNECTOR_ID: connectorId,
    EVENT_BUS_ARN: bench.busArn,
    DLQ_URL: bench.dlqUrl,
    PARTIAL_BATCH_RESPONSE: "true",
    EVENTBRIDGE_ENDPOINT_URL: eventBridgeUrl,
    AWS_ENDPOINT_URL_SQS: sqsUrl,
    ...extra,
  };
}

export interface ProxiedChain {
  readonly bench: Bench;
  readonly proxy: FaultProxy;
  readonly handler: LambdaHandler;
  close(): Promise<void>;
}

/**
 * A bench on moto named `name`, the fault proxy in front of moto, and the real handler sending its
 * PutEvents through the proxy (RETRY_DELAY_MS=50 so retries stay quick).
 */
export async function proxiedChain(
  moto: string,
  name: string,
  options: Parameters<typeof createBench>[3] = {},
): Promise<ProxiedChain> {
  const bench = await createBench(moto, name, name, options);
  const proxy = await startFaultProxy(moto);
  const handler = await loadHandler(handlerEnv(bench, name, proxy.url, moto, { RETRY_DELAY_MS: "50" }));
  return {
    bench,
    proxy,
    handler,
    async close() {
      await proxy.close();
      bench.sqs.destroy();
    },
  };
}

export interface DeliveredEvent {
  source: string;
  "detail-type": string;
  resources: string[];
  detail: { topic: string; partition: number; offset: number; [k: string]: unknown };
}

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: number;
  errorCode: string;
  [k: string]: unknown;
}

interface OnFailureRecord {
  KafkaBatchInfo: { recordsInfo: Record<string, { firstRecordOffset: string; lastRecordOffset: string }> };
}

/** Where each produced record ended: counts per `<topic>-<partition>:<offset>` on each queue. */
export interface Accounting {
  readonly delivered: Map<string, number>;
  readonly deadLettered: Map<string, number>;
  readonly onFailure: Map<string, number>;
  readonly events: DeliveredEvent[];
  readonly deadLetters: DeadLetter[];
}

const bump = (map: Map<string, number>, k: string) => map.set(k, (map.get(k) ?? 0) + 1);

/** Starts draining every queue of a bench (call before the run): moto's SQS slows down as queues grow. */
export function watchQueues(bench: Bench): QueueDrainer {
  return drainContinuously(bench.sqs, [
    bench.catchAllQueueUrl,
    bench.readmeQueueUrl,
    bench.dlqUrl,
    bench.onFailureQueueUrl,
  ]);
}

/** Stops the drainer once the queues are quiet and counts every record found on them. */
export async function account(bench: Bench, drainer: QueueDrainer): Promise<Accounting> {
  const bodies = await drainer.finish();
  const events = (bodies.get(bench.catchAllQueueUrl) ?? []) as DeliveredEvent[];
  const deadLetters = (bodies.get(bench.dlqUrl) ?? []) as DeadLetter[];
  const failures = (bodies.get(bench.onFailureQueueUrl) ?? []) as OnFailureRecord[];
  const delivered = new Map<string, number>();
  for (const e of events) bump(delivered, `${e.detail.topic}-${e.detail.partition}:${e.detail.offset}`);
  const deadLettered = new Map<string, number>();
  for (const d of deadLetters) bump(deadLettered, `${d.topic}-${d.partition}:${d.offset}`);
  const onFailure = new Map<string, number>();
  for (const f of failures) {
    for (const [tp, info] of Object.entries(f.KafkaBatchInfo.recordsInfo)) {
      for (let o = Number(info.firstRecordOffset); o <= Number(info.lastRecordOffset); o++)
        bump(onFailure, `${tp}:${o}`);
    }
  }
  return { delivered, deadLettered, onFailure, events, deadLetters };
}

/** Records of `expected` found nowhere, and how many extra copies (duplicates) were found. */
export function missingAndDuplicates(accounting: Accounting, expected: readonly string[]) {
  const missing = expected.filter(
    (k) => !accounting.delivered.has(k) && !accounting.deadLettered.has(k) && !accounting.onFailure.has(k),
  );
  let duplicates = 0;
  for (const k of expected) {
    const copies =
      (accounting.delivered.get(k) ?? 0) +
      (accounting.deadLettered.get(k) ?? 0) +
      (accounting.onFailure.get(k) ?? 0);
    if (copies > 1) duplicates += copies - 1;
  }
  return { missing, duplicates };
}
