import type { KafkaRecord } from "../lambda/core/kafka-event";
import { kafkaRecord } from "../tooling/kafka-records";
import { seededRandom } from "../tooling/seeded-random";

/** The value size of the 10,000-record handler batch: with its key and two headers, a ~6 MB ESM event. */
export const HANDLER_VALUE_BYTES = 180;

/**
 * An order-like JSON document of about `bytes` UTF-8 bytes: nested objects, decimals, an items array
 * and a short non-ASCII string, the shape a Kafka topic of business events carries.
 */
export function jsonValue(bytes: number, seed: number): string {
  const random = seededRandom(seed);
  if (bytes < 250) {
    const start = `{"id":${seed},"type":"order.created","amount":${(random() * 1000).toFixed(2)},"note":"`;
    return `${start}${"x".repeat(Math.max(0, bytes - start.length - 2))}"}`;
  }
  const items: string[] = [];
  const head = `{"orderId":"ord-${seed}","customer":{"id":${Math.floor(random() * 1e9)},"name":"Zoë Müller","tier":"gold"},"amount":${(random() * 1000).toFixed(2)},"currency":"EUR","createdAt":"2026-01-01T12:00:00.000Z","items":[`;
  let length = head.length + 20;
  while (length < bytes - 80) {
    const item = `{"sku":"SKU-${Math.floor(random() * 1e6)}","qty":${1 + Math.floor(random() * 9)},"price":${(random() * 100).toFixed(2)},"tags":["a","b"]}`;
    items.push(item);
    length += item.length + 1;
  }
  const start = `${head}${items.join(",")}],"note":"`;
  const padding = Math.max(0, bytes - Buffer.byteLength(start, "utf8") - 2 - 2);
  return `${start}${"x".repeat(padding)}"}`;
}

/** `count` records on `partitions` partitions of `orders`, each with a key, two headers and a JSON value. */
export function jsonRecords(
  count: number,
  valueBytes: number | ((index: number) => number),
  partitions = 4,
): KafkaRecord[] {
  const sizeOf = typeof valueBytes === "number" ? () => valueBytes : valueBytes;
  const distinct = new Map<number, string>();
  return Array.from({ length: count }, (_, index) => {
    const size = sizeOf(index);
    // A few distinct documents per size are enough: decoding cost does not depend on the content.
    const seed = size * 8 + (index % 8);
    let value = distinct.get(seed);
    if (value === undefined) {
      value = jsonValue(size, seed);
      distinct.set(seed, value);
    }
    return kafkaRecord({
      topic: "orders",
      partition: index % partitions,
      offset: Math.floor(index / partitions),
      key: `order-${index}`,
      value,
      headers: [
        ["trace-id", `00-${index.toString(16).padStart(32, "0")}-01`],
        ["content-type", "application/json"],
      ],
    });
  });
}
