import { randomUUID } from "node:crypto";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { renderHeaders } from "../../lambda/core/header-render";
import { signedBytes } from "../../tooling/kafka-records";
import { type Bench, createBench, drainQueue } from "./aws-fixtures";
import { type DeliveredEvent, handlerEnv } from "./chain";
import { connectorHeaderItems, oracleJavaVersion, ruleMatches } from "./connect-oracle/oracle";
import { createTopics, produce } from "./kafka-fixtures";
import { loadHandler } from "./load-handler";
import { runUntilCommitted } from "./run-until-committed";

const bootstrap = inject("kafkaBootstrap");
const moto = inject("motoEndpoint");

/** Adds a rule with `pattern` on the bench's bus, targeting a new queue; returns the queue URL. */
async function ruleToQueue(bench: Bench, name: string, pattern: object): Promise<string> {
  const { QueueUrl } = await bench.sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await bench.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const events = new EventBridgeClient({ endpoint: moto });
  const busName = bench.busArn.split("/").at(-1) as string;
  await events.send(
    new PutRuleCommand({ Name: name, EventBusName: busName, EventPattern: JSON.stringify(pattern) }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: name,
      EventBusName: busName,
      Targets: [{ Id: "q", Arn: Attributes?.QueueArn }],
    }),
  );
  events.destroy();
  return QueueUrl as string;
}

describe("connector compatibility: Kafka → local ESM → handler → EventBridge (moto)", () => {
  const id = randomUUID().slice(0, 8);
  const connectorId = `compat-${id}`;
  let bench: Bench;

  beforeAll(async () => {
    bench = await createBench(moto, connectorId, connectorId, { readmeRule: false });
  });
  afterAll(() => bench.sqs.destroy());

  it("sends typed headers, compact values and null for an empty value, and the connector's rules match", async () => {
    const topic = `typed-${id}`;
    await createTopics(bootstrap, [topic], 1);
    // A rule on a value written for the connector: numeric matching sees 1.10 whatever its spelling.
    const totalQueue = await ruleToQueue(bench, `${connectorId}-total`, {
      source: [`kafka-connect.${connectorId}`],
      detail: { value: { total: [{ numeric: [">", 1] }] } },
    });
    const handler = await loadHandler(handlerEnv(bench, connectorId, moto, moto));
    const header = (name: string, value: string | Buffer) =>
      [Buffer.from(name), typeof value === "string" ? Buffer.from(value) : value] as [Buffer, Buffer];
    await produce(bootstrap, [
      {
        topic,
        partition: 0,
        key: Buffer.from("order-1"),
        value: Buffer.from('{\n  "total" : 1.10 ,\n  "tags" : [ "a b" , "c\\u2028" ]\n}\n'),
        headers: new Map([
          header("num", "42"),
          header("float", "1.10"),
          header("bool", "true"),
          header("json", '{"a":[1,2]}'),
          header("date", "2026-11-23"),
          header("spaced", " padded "),
          header("big", "123456789012345678901234567890"),
          header("raw", Buffer.from([0xff, 0xfe])),
        ]),
      },
      { topic, partition: 0, key: Buffer.from("order-2"), value: Buffer.alloc(0) },
    ]);
    await runUntilCommitted(handler, [{ topic, partitions: 1, end: [2] }]);

    const all = await drainQueue<DeliveredEvent>(bench.sqs, bench.catchAllQueueUrl, { expected: 2 });
    const byOffset = [...all].sort((a, b) => a.detail.offset - b.detail.offset);
    expect(byOffset.map((event) => event.detail.headers)).toEqual([
      [
        { num: 42 },
        { float: 1.1 },
        { bool: true },
        { json: { a: [1, 2] } },
        { date: 20780 },
        { spaced: " padded " },
        { big: "AY7pD/bDc+DuTj8K0g==" },
        { raw: Buffer.from([0xff, 0xfe]).toString("base64") },
      ],
      [],
    ]);
    expect(byOffset.map((event) => event.detail.value)).toEqual([
      { total: 1.1, tags: ["a b", "c\u2028"] },
      null,
    ]);
    const matched = await drainQueue<DeliveredEvent>(bench.sqs, totalQueue, { expected: 1 });
    expect(matched.map((event) => event.detail.key)).toEqual(["order-1"]);

    // Rules written for the connector's typed headers, on the events moto delivered. moto 5.2 does not
    // match through arrays of objects (detail.headers), so EventBridge's own matching library decides.
    const source = [`kafka-connect.${connectorId}`];
    const rules = [
      { detail: { headers: { num: [42] } } },
      { detail: { headers: { date: [{ numeric: [">=", 20780] }] } } },
      { detail: { headers: { json: { a: [2] } } } },
      { detail: { headers: { num: ["42"] } } },
    ].map((rule) => ({ source, ...rule }));
    const verdicts = rules.map((rule) => ruleMatches(byOffset.map((event) => ({ rule, event }))));
    expect(verdicts).toEqual([
      [true, false],
      [true, false],
      [true, false],
      [false, false],
    ]);
  });
});

/** Header texts in the shapes Connect's parser cares about: numbers, literals, dates, lists and maps. */
const headerText = (() => {
  const alphabet = fc.constantFrom(...'0123456789-+.eE:,{}[]" tTZnulrfas\\x'.split(""));
  const scalar = fc.oneof(
    fc.string({ unit: alphabet, maxLength: 14 }),
    fc.json({ maxDepth: 3 }),
    fc.constantFrom(
      "2026-11-23",
      "12:30:00.000Z",
      "2026-11-23T12:30:00.000Z",
      "1582-10-10",
      "0001-01-01",
      "9999-99-99",
      "24:00:00.000Z",
      "{}",
      "null",
      " true ",
      "",
    ),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    fc
      .float({ noNaN: true, noDefaultInfinity: true })
      .map((f) => f.toPrecision(1 + (Math.abs(Math.trunc(f)) % 12))),
  );
  return fc.oneof(
    scalar,
    fc.array(scalar, { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
    fc
      .array(fc.tuple(scalar, scalar), { maxLength: 3 })
      .map((entries) => `{${entries.map(([k, v]) => `${k}:${v}`).join(",")}}`),
  );
})();

/** Numbers spelled as float32 values: how JDK 17's Float/Double.toString differ from JDK 19+'s. */
const asFloats = (json: string) =>
  json.replace(/-?\d+(\.\d+)?(E-?\d+)?(?=[,\]}])/g, (n) => String(Math.fround(Number(n))));

describe("header typing against the real Kafka Connect 4.4.0 jars (SimpleHeaderConverter + JsonConverter + Jackson)", () => {
  it("renders every generated header text exactly as the connector does, or as text where the connector fails", () => {
    const texts = fc.sample(headerText, { numRuns: 3_000, seed: 20_261_123 });
    const answers = connectorHeaderItems(texts.map((text) => Buffer.from(text, "utf8")));
    // JDK 19 made Float/Double.toString print the shortest digits (JDK-4511638), which this function
    // reproduces; an older JDK running the oracle prints more digits for some floats.
    const exact = oracleJavaVersion() >= 19;
    const mismatches = texts.flatMap((text, index) => {
      const rendered = renderHeaders([{ h: signedBytes(text) }]);
      const ours = rendered.ok ? rendered.json.slice(1, -1) : `poison ${rendered.code}`;
      const connector = answers[index];
      const expected = connector ?? (text.trim() === "null" ? '{"h":null}' : `{"h":${JSON.stringify(text)}}`);
      const same = exact ? ours === expected : asFloats(ours) === asFloats(expected);
      return same ? [] : [{ text, ours, connector: connector ?? "(fails the record)" }];
    });
    expect(mismatches).toEqual([]);
  });
});
