// Regenerates the sample ESM events in events/ (npx tsx scripts/make-sample-events.ts).
import { writeFileSync } from "node:fs";
import { kafkaEvent, kafkaRecord } from "../tooling/kafka-records";

const write = (name: string, event: unknown) =>
  writeFileSync(new URL(`../events/${name}`, import.meta.url), `${JSON.stringify(event, null, 2)}\n`);

const orders = [
  { orderItems: ["item-1", "item-2"], orderCreatedTime: "2026-11-23T10:15:30Z", total: 23.1, customerId: 42 },
  { orderItems: ["item-3"], orderCreatedTime: "2026-11-23T10:16:02Z", total: 1.1, customerId: 42 },
];
const rawOrder = '{"orderItems":["item-4"],"total":1.10,"customerId":1234567890123456789}';

write(
  "msk-orders.json",
  kafkaEvent([
    kafkaRecord({
      topic: "orders",
      partition: 0,
      offset: 15,
      key: "order-1",
      value: orders[0] ?? null,
      headers: [["trace-id", "abc-123"]],
    }),
    kafkaRecord({ topic: "orders", partition: 0, offset: 16, key: "order-2", value: orders[1] ?? null }),
    kafkaRecord({ topic: "orders", partition: 1, offset: 7, key: "order-3", value: rawOrder }),
    kafkaRecord({
      topic: "order-events",
      partition: 0,
      offset: 3,
      key: "customer-9",
      value: { eventType: "OrderShipped" },
    }),
  ]),
);
write(
  "self-managed-strings.json",
  kafkaEvent(
    [
      kafkaRecord({ topic: "logs", partition: 0, offset: 100, key: null, value: "GET /health 200" }),
      kafkaRecord({ topic: "logs", partition: 0, offset: 101, key: "host-a", value: "{not json, just text" }),
    ],
    "SelfManagedKafka",
  ),
);
write(
  "headers.json",
  kafkaEvent([
    kafkaRecord({
      topic: "orders",
      offset: 20,
      key: "order-4",
      value: { orderItems: [] },
      headers: [
        ["source", "café ☕"],
        ["retry", "1"],
        ["retry", "2"],
        ["binary", new Uint8Array([0xff, 0xfe, 0x00, 0x80])],
        ["empty", null],
      ],
    }),
  ]),
);
write(
  "tombstone.json",
  kafkaEvent([kafkaRecord({ topic: "orders", offset: 21, key: "order-1", value: null })]),
);
write(
  "poison.json",
  kafkaEvent([
    kafkaRecord({ topic: "orders", offset: 30, key: "order-5", value: { orderItems: ["ok"] } }),
    kafkaRecord({ topic: "orders", offset: 31, key: "order-6", value: "{broken json" }),
    kafkaRecord({ topic: "orders", offset: 32, key: "order-7", value: { orderItems: ["ok too"] } }),
  ]),
);
