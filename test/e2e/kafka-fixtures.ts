import { Admin, type MessageToProduce, Producer } from "@platformatic/kafka";

export async function createTopics(
  bootstrap: string,
  topics: readonly string[],
  partitions: number,
  configs: { name: string; value: string }[] = [],
): Promise<void> {
  const admin = new Admin({ clientId: "e2e-admin", bootstrapBrokers: [bootstrap] });
  try {
    await admin.createTopics({ topics: [...topics], partitions, replicas: 1, configs });
  } finally {
    await admin.close();
  }
}

/** Produces the messages (acks=all), in requests of at most 500 messages and about 4 MB. */
export async function produce(bootstrap: string, messages: readonly MessageToProduce[]): Promise<void> {
  const producer = new Producer({
    clientId: "e2e-producer",
    bootstrapBrokers: [bootstrap],
    idempotent: true,
  });
  try {
    let chunk: MessageToProduce[] = [];
    let bytes = 0;
    for (const message of messages) {
      const size = (message.value?.length ?? 0) + (message.key?.length ?? 0);
      if (chunk.length > 0 && (chunk.length >= 500 || bytes + size > 4 * 1024 * 1024)) {
        await producer.send({ messages: chunk });
        chunk = [];
        bytes = 0;
      }
      chunk.push(message);
      bytes += size;
    }
    if (chunk.length > 0) await producer.send({ messages: chunk });
  } finally {
    await producer.close();
  }
}

/** The committed offset of each `<topic>-<partition>` of a consumer group (-1 when none). */
export async function committedOffsets(
  bootstrap: string,
  groupId: string,
  topics: readonly { topic: string; partitions: number }[],
): Promise<Map<string, bigint>> {
  const admin = new Admin({ clientId: "e2e-admin", bootstrapBrokers: [bootstrap] });
  try {
    const groups = await admin.listConsumerGroupOffsets({
      groups: [
        {
          groupId,
          topics: topics.map((t) => ({ name: t.topic, partitionIndexes: [...Array(t.partitions).keys()] })),
        },
      ],
    });
    const out = new Map<string, bigint>();
    for (const group of groups) {
      for (const topic of group.topics) {
        for (const p of topic.partitions) out.set(`${topic.name}-${p.partitionIndex}`, p.committedOffset);
      }
    }
    return out;
  } finally {
    await admin.close();
  }
}

/** Polls until `check` is true or `timeoutMs` passes; returns whether it became true. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}
