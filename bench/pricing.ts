/**
 * List prices (us-east-1, USD) the cost table uses, with where and when they were read. Looked up on
 * 2026-11-23; check the pages before relying on them.
 */
export const PRICES = {
  checkedOn: "2026-11-23",
  eventBridgeCustomEventPerMillionChunks: {
    usd: 1.0,
    source:
      "https://aws.amazon.com/eventbridge/pricing/ (custom events; each 64 KB chunk of a payload is one event)",
  },
  pipesPerMillionRequestChunks: {
    usd: 0.4,
    source:
      "https://aws.amazon.com/eventbridge/pricing/ (Pipes: requests after filtering, each 64 KB chunk one request; confirmed by cloudburn.io's March 2026 summary)",
  },
  lambdaArmPerGbSecond: {
    usd: 0.0000133334,
    source: "https://aws.amazon.com/lambda/pricing/ (Arm, first 7.5 billion GB-s per month)",
  },
  lambdaPerMillionRequests: {
    usd: 0.2,
    source: "https://aws.amazon.com/lambda/pricing/",
  },
} as const;

export interface CostRow {
  readonly path: string;
  readonly eventBridgeUsd: number;
  readonly computeUsd: number;
  readonly totalUsd: number;
  readonly note: string;
}

const round = (usd: number) => Math.round(usd * 1000) / 1000;

/**
 * Cost per million records: this function (EventBridge custom events + Lambda arm64 at 1,024 MB for the
 * measured time per record) next to EventBridge Pipes from the ESM source to the same bus.
 */
export function costPerMillion(
  chunksPerRecord: number,
  lambdaMsPerRecord: number,
  recordsPerInvocation: number,
): CostRow[] {
  const events = chunksPerRecord * PRICES.eventBridgeCustomEventPerMillionChunks.usd;
  const gbSeconds = (lambdaMsPerRecord / 1000) * 1 * 1_000_000;
  const lambda =
    gbSeconds * PRICES.lambdaArmPerGbSecond.usd +
    (PRICES.lambdaPerMillionRequests.usd * 1) / recordsPerInvocation;
  const pipes = chunksPerRecord * PRICES.pipesPerMillionRequestChunks.usd;
  return [
    {
      path: "this function (Lambda arm64, 1,024 MB)",
      eventBridgeUsd: round(events),
      computeUsd: round(lambda),
      totalUsd: round(events + lambda),
      note: `${lambdaMsPerRecord.toFixed(3)} ms of 1 GB per record, ${recordsPerInvocation} records per invocation`,
    },
    {
      path: "EventBridge Pipes → the same bus",
      eventBridgeUsd: round(events),
      computeUsd: round(pipes),
      totalUsd: round(events + pipes),
      note: "Pipes requests billed per 64 KB chunk, plus the bus's custom events",
    },
  ];
}
