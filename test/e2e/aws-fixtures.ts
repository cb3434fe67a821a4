import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

/** The rule pattern from the aws/eventbridge-kafka-connector README ("Example EventBridge Rule Pattern"). */
export function readmeRulePattern(connectorId: string) {
  return {
    source: [`kafka-connect.${connectorId}`],
    detail: { key: [{ prefix: "order" }], value: { orderItems: [{ exists: true }] } },
  };
}

export interface Bench {
  readonly busArn: string;
  readonly readmeQueueUrl: string;
  readonly catchAllQueueUrl: string;
  readonly dlqUrl: string;
  readonly onFailureQueueUrl: string;
  readonly sqs: SQSClient;
}

/**
 * A bus with the README rule and a catch-all rule, each targeting its own queue, plus a dead-letter
 * queue and an on-failure queue; names are prefixed by `name` so tests sharing moto do not meet.
 */
export async function createBench(
  endpoint: string,
  name: string,
  connectorId: string,
  options: { readmeRule?: boolean } = {},
): Promise<Bench> {
  const events = new EventBridgeClient({ endpoint });
  const sqs = new SQSClient({ endpoint });
  const queue = async (suffix: string) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${suffix}` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
    );
    return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
  };
  const [readme, catchAll, dlq, onFailure] = await Promise.all([
    queue("readme"),
    queue("all"),
    queue("dlq"),
    queue("on-failure"),
  ]);
  const { EventBusArn } = await events.send(new CreateEventBusCommand({ Name: `${name}-bus` }));
  const rules = [
    ...(options.readmeRule === false
      ? []
      : [{ rule: "readme", pattern: readmeRulePattern(connectorId) as object, target: readme.arn }]),
    { rule: "catch-all", pattern: { source: [{ prefix: "" }] }, target: catchAll.arn },
  ];
  for (const { rule, pattern, target } of rules) {
    await events.send(
      new PutRuleCommand({
        Name: `${name}-${rule}`,
        EventBusName: `${name}-bus`,
        EventPattern: JSON.stringify(pattern),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: `${name}-${rule}`,
        EventBusName: `${name}-bus`,
        Targets: [{ Id: "q", Arn: target }],
      }),
    );
  }
  events.destroy();
  return {
    busArn: EventBusArn as string,
    readmeQueueUrl: readme.url,
    catchAllQueueUrl: catchAll.url,
    dlqUrl: dlq.url,
    onFailureQueueUrl: onFailure.url,
    sqs,
  };
}

/**
 * Receives and deletes messages until `expected` arrived, or nothing new came for `idleMs`
 * (bounded by `timeoutMs`). Returns the parsed bodies.
 */
export async function drainQueue<T = Record<string, unknown>>(
  sqs: SQSClient,
  queueUrl: string,
  { expected = Number.POSITIVE_INFINITY, idleMs = 1_500, timeoutMs = 60_000 } = {},
): Promise<T[]> {
  const bodies: T[] = [];
  const deadline = Date.now() + timeoutMs;
  let lastNew = Date.now();
  while (bodies.length < expected && Date.now() < deadline && Date.now() - lastNew < idleMs) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    lastNew = Date.now();
    for (const m of Messages) bodies.push(JSON.parse(m.Body as string) as T);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }
  return bodies;
}

/** Keeps receiving and deleting from queues while a run is in progress (moto's SQS slows as a queue grows). */
export interface QueueDrainer {
  /**
   * Lets the run's last messages arrive (`settleMs`), then drains until every queue answered empty
   * (at most `timeoutMs`), stops and returns the bodies per queue URL.
   */
  finish(options?: { settleMs?: number; timeoutMs?: number }): Promise<Map<string, unknown[]>>;
}

export function drainContinuously(sqs: SQSClient, queueUrls: readonly string[]): QueueDrainer {
  const bodies = new Map<string, unknown[]>(queueUrls.map((url) => [url, []]));
  let stopping = false;
  let deadline = Number.POSITIVE_INFINITY;
  // Two receivers per queue: moto answers slowly while it is busy delivering events.
  const loops = [...queueUrls, ...queueUrls].map(async (url) => {
    while (Date.now() < deadline) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (Messages.length === 0) {
          if (stopping) return;
          await new Promise((r) => setTimeout(r, 150));
          continue;
        }
        for (const m of Messages) bodies.get(url)?.push(JSON.parse(m.Body as string));
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
          }),
        );
      } catch {
        // A failed receive or delete is retried; a message not deleted comes back after its visibility timeout.
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
  return {
    async finish({ settleMs = 1_000, timeoutMs = 300_000 } = {}) {
      await new Promise((r) => setTimeout(r, settleMs));
      deadline = Date.now() + timeoutMs;
      stopping = true;
      await Promise.all(loops);
      return bodies;
    },
  };
}
