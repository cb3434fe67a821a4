import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeadLetterBody } from "../../lambda/core/dead-letter-message";
import { kafkaEvent, kafkaRecord, manyRecords } from "../../tooling/kafka-records";
import { lambdaContext } from "../../tooling/local-aws/lambda-context";
import {
  type LocalAwsEndpoint,
  startLocalAwsEndpoint,
  type WireEntry,
} from "../../tooling/local-aws/local-aws-endpoint";
import { loadHandler } from "../support/load-handler";

// The real handler and real SDK clients over HTTP against a local endpoint: serialization, signing,
// the SDK's own retries and our retries all run for real.

// A fresh endpoint per test: a request the handler abandoned at its deadline cannot leak into the next.
let aws: LocalAwsEndpoint;
beforeEach(async () => {
  aws = await startLocalAwsEndpoint();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await aws.close();
});

const BUS = "arn:aws:events:us-east-1:123456789012:event-bus/orders-bus";

function env(overrides: Record<string, string> = {}) {
  return {
    CONNECTOR_ID: "orders-sink",
    EVENT_BUS_ARN: BUS,
    EVENTBRIDGE_ENDPOINT_URL: aws.url,
    AWS_ENDPOINT_URL_SQS: aws.url,
    AWS_ENDPOINT_URL_STS: aws.url,
    DLQ_URL: `${aws.url}/123456789012/orders-sink-dlq`,
    PARTIAL_BATCH_RESPONSE: "true",
    RETRY_DELAY_MS: "1",
    AWS_MAX_ATTEMPTS: "2",
    ...overrides,
  };
}

const delivered = () => aws.events;
const offsets = (entries: WireEntry[]) =>
  entries.map((entry) => (JSON.parse(entry.Detail) as { offset: number }).offset);
const deadLetterBodies = () =>
  aws.deadLetters.map((message) => JSON.parse(message.MessageBody) as DeadLetterBody);

describe("handler over HTTP", () => {
  it("emits the connector's event for a JSON record", async () => {
    const handler = await loadHandler(env());
    const value = '{"orderItems":["a"],"total":1.10,"id":1234567890123456789}';
    const response = await handler(
      kafkaEvent([
        kafkaRecord({
          topic: "orders",
          partition: 2,
          offset: 9,
          key: "order-1",
          value,
          headers: [["h", "v"]],
        }),
      ]),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(delivered()).toEqual([
      {
        Source: "kafka-connect.orders-sink",
        DetailType: "kafka-connect-orders",
        EventBusName: BUS,
        Resources: [],
        Detail: `{"topic":"orders","partition":2,"offset":9,"timestamp":1700000000000,"timestampType":"CreateTime","headers":[{"h":"v"}],"key":"order-1","value":${value}}`,
      },
    ]);
  });

  it("retries throttled entries alone and delivers each record once", async () => {
    aws.behaviour.putEvents = (entries, call) => ({
      results: entries.map((_, index) =>
        call === 0 && index % 2 === 0
          ? { ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }
          : { EventId: `id-${call}-${index}` },
      ),
    });
    const handler = await loadHandler(env({ MAX_CONCURRENCY: "1" }));
    const response = await handler(kafkaEvent(manyRecords(10)));
    expect(response.batchItemFailures).toEqual([]);
    expect(aws.putEvents.map((call) => call.entries.length)).toEqual([10, 5]);
    expect(offsets(delivered()).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("reports a persistent InternalFailure at the lowest failed offset of its partition", async () => {
    aws.behaviour.putEvents = (entries) => ({
      results: entries.map((entry) => {
        const { partition, offset } = JSON.parse(entry.Detail) as { partition: number; offset: number };
        return partition === 1 && offset >= 3
          ? { ErrorCode: "InternalFailure", ErrorMessage: "internal" }
          : { EventId: `${partition}-${offset}` };
      }),
    });
    const handler = await loadHandler(env());
    const response = await handler(kafkaEvent(manyRecords(30, { partitions: 3 })));
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: "orders-1", offset: 3 } }],
    });
  });

  it("survives HTTP 500 answers to whole requests by retrying them", async () => {
    aws.behaviour.putEvents = (entries, call) =>
      call < 3
        ? { status: 500, errorType: "InternalException" }
        : { results: entries.map(() => ({ EventId: "x" })) };
    const handler = await loadHandler(env());
    const response = await handler(kafkaEvent(manyRecords(5)));
    expect(response.batchItemFailures).toEqual([]);
    expect(delivered()).toHaveLength(5);
  });

  it("reports the batch failed when every attempt answers HTTP 503", async () => {
    aws.behaviour.putEvents = () => ({ status: 503, errorType: "ServiceUnavailable" });
    const handler = await loadHandler(env());
    const response = await handler(kafkaEvent(manyRecords(4, { partitions: 2 })));
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { partition: "orders-0", offset: 0 } },
      { itemIdentifier: { partition: "orders-1", offset: 0 } },
    ]);
  });

  it("reports every record failed and dead-letters none when each request is a setup-level ValidationException", async () => {
    aws.behaviour.putEvents = () => ({
      status: 400,
      errorType: "ValidationException",
      message: "Resources contain an invalid ARN",
    });
    const handler = await loadHandler(env());
    const response = await handler(kafkaEvent(manyRecords(30, { partitions: 3 })));
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: { partition: "orders-0", offset: 0 } },
      { itemIdentifier: { partition: "orders-1", offset: 0 } },
      { itemIdentifier: { partition: "orders-2", offset: 0 } },
    ]);
    expect(aws.deadLetters).toEqual([]);
  });

  it("dead-letters as EntryTooLarge a single entry EventBridge answers with a size ValidationException", async () => {
    aws.behaviour.putEvents = (entries) =>
      entries.some((entry) => entry.Detail.includes('"offset":2,'))
        ? {
            status: 400,
            errorType: "ValidationException",
            message: "Total size of the entries in the request is over the limit.",
          }
        : { results: entries.map(() => ({ EventId: "x" })) };
    const handler = await loadHandler(env());
    const response = await handler(kafkaEvent(manyRecords(5)));
    expect(response.batchItemFailures).toEqual([]);
    expect(offsets(delivered()).sort()).toEqual([0, 1, 3, 4]);
    expect(deadLetterBodies().map((body) => [body.offset, body.errorCode])).toEqual([[2, "EntryTooLarge"]]);
  });

  it("retries requests whose connection is dropped", async () => {
    aws.behaviour.putEvents = (entries, call) =>
      call === 0 ? { drop: true } : { results: entries.map(() => ({ EventId: "x" })) };
    const handler = await loadHandler(env());
    expect((await handler(kafkaEvent(manyRecords(3)))).batchItemFailures).toEqual([]);
    expect(delivered()).toHaveLength(3);
  });

  it("dead-letters a record EventBridge rejects as MalformedDetail, with its bytes and the reason", async () => {
    aws.behaviour.putEvents = (entries) => ({
      results: entries.map((entry) =>
        entry.Detail.includes('"offset":1,')
          ? { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." }
          : { EventId: "x" },
      ),
    });
    const handler = await loadHandler(env());
    const records = manyRecords(3);
    const response = await handler(kafkaEvent(records));
    expect(response.batchItemFailures).toEqual([]);
    expect(offsets(delivered())).toEqual([0, 2]);
    expect(deadLetterBodies()).toEqual([
      expect.objectContaining({
        connectorId: "orders-sink",
        topic: "orders",
        partition: 0,
        offset: 1,
        key: records[1]?.key,
        value: records[1]?.value,
        errorCode: "MalformedDetail",
      }),
    ]);
    expect(aws.deadLetters[0]?.MessageAttributes).toMatchObject({
      topic: { DataType: "String", StringValue: "orders" },
      offset: { DataType: "Number", StringValue: "1" },
      errorCode: { DataType: "String", StringValue: "MalformedDetail" },
    });
  });

  it("dead-letters an undecodable value and an entry larger than MAX_REQUEST_BYTES", async () => {
    const handler = await loadHandler(env({ MAX_REQUEST_BYTES: "2048" }));
    const response = await handler(
      kafkaEvent([
        kafkaRecord({ offset: 0, value: { ok: true } }),
        kafkaRecord({ offset: 1, value: "{not json" }),
        kafkaRecord({ offset: 2, value: { big: "x".repeat(4096) } }),
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(offsets(delivered())).toEqual([0]);
    expect(deadLetterBodies().map((body) => [body.offset, body.errorCode])).toEqual([
      [1, "InvalidJson"],
      [2, "EntryTooLarge"],
    ]);
  });

  it("dead-letters records with a malformed field, each with its code and the field as it came, and delivers the rest", async () => {
    const handler = await loadHandler(env());
    const good = manyRecords(6);
    const event = kafkaEvent(good) as unknown as { records: Record<string, Record<string, unknown>[]> };
    const batch = event.records["orders-0"] ?? [];
    batch[1] = { ...batch[1], timestamp: "2026-11-29T10:00:00Z" };
    batch[2] = { ...batch[2], timestampType: "CreateTime" };
    batch[3] = { ...batch[3], key: 42 };
    batch[4] = { ...batch[4], headers: [{ "trace-id": [104, 300] }] };
    const response = await handler(event);
    expect(response.batchItemFailures).toEqual([]);
    expect(offsets(delivered())).toEqual([0, 5]);
    const bodies = deadLetterBodies().sort((a, b) => a.offset - b.offset);
    expect(bodies.map((body) => [body.offset, body.errorCode, body.malformedFields])).toEqual([
      [1, "InvalidTimestamp", { timestamp: "2026-11-29T10:00:00Z" }],
      [2, "InvalidTimestampType", { timestampType: "CreateTime" }],
      [3, "InvalidKeyType", { key: 42 }],
      [4, "InvalidHeaders", { headers: [{ "trace-id": [104, 300] }] }],
    ]);
    expect(bodies[0]).toMatchObject({ timestamp: null, value: good[1]?.value, key: good[1]?.key });
    expect(bodies[3]?.headers).toBeNull();
    expect(bodies[3]?.errorMessage).toContain(
      'headers[0] "trace-id" byte 1 is not a signed byte (-128..127): got 300',
    );
  });

  it("reports poison records failed when the dead-letter queue is down", async () => {
    aws.behaviour.sendMessageBatch = () => ({ status: 500, errorType: "InternalError" });
    const handler = await loadHandler(env());
    const response = await handler(
      kafkaEvent([kafkaRecord({ offset: 0 }), kafkaRecord({ offset: 1, value: "{bad" })]),
    );
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 1 } }],
    });
  });

  it("reports the poison records SQS lists as Failed in its batch answer", async () => {
    aws.behaviour.sendMessageBatch = (entries) => ({
      results: { failedIds: entries.slice(1).map((entry) => entry.Id) },
    });
    const handler = await loadHandler(env());
    const response = await handler(
      kafkaEvent([kafkaRecord({ offset: 4, value: "{bad" }), kafkaRecord({ offset: 5, value: "{bad" })]),
    );
    expect(aws.deadLetters).toHaveLength(1);
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 5 } }],
    });
  });

  it("reports poison records failed when no DLQ_URL is set", async () => {
    const handler = await loadHandler(env({ DLQ_URL: "" }));
    const response = await handler(kafkaEvent([kafkaRecord({ offset: 7, value: "{bad" })]));
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: { partition: "orders-0", offset: 7 } }],
    });
  });

  it("throws so the whole batch is retried when partial batch response is off", async () => {
    aws.behaviour.putEvents = () => ({ status: 500, errorType: "InternalException" });
    const handler = await loadHandler(env({ PARTIAL_BATCH_RESPONSE: "false" }));
    await expect(handler(kafkaEvent(manyRecords(3)))).rejects.toThrow(/3 of 3 records were not delivered/);
  });

  it("returns before the deadline, reporting what it could not send", async () => {
    aws.behaviour.putEvents = async (entries) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { results: entries.map(() => ({ EventId: "x" })) };
    };
    const handler = await loadHandler(env({ MAX_CONCURRENCY: "1", DEADLINE_MARGIN_MS: "100" }));
    const context = lambdaContext(700);
    const response = await handler(kafkaEvent(manyRecords(100)), context);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    const sent = new Set(offsets(delivered()));
    const [failure] = response.batchItemFailures;
    expect(failure?.itemIdentifier.partition).toBe("orders-0");
    // Everything below the reported offset was delivered; the rest will be redelivered by the ESM.
    const reported = failure?.itemIdentifier.offset ?? -1;
    expect(reported).toBeGreaterThan(0);
    expect(reported).toBeLessThan(100);
    for (let offset = 0; offset < reported; offset += 1) expect(sent.has(offset)).toBe(true);
  });

  it("rejects an event that is not a Kafka batch", async () => {
    const handler = await loadHandler(env());
    await expect(handler({ Records: [{ eventSource: "aws:sqs" }] })).rejects.toThrow(
      /expected `eventSource` "aws:kafka" or "SelfManagedKafka"/,
    );
  });

  it("fails at cold start naming a missing variable", async () => {
    await expect(loadHandler(env({ CONNECTOR_ID: "" }))).rejects.toThrow(/CONNECTOR_ID is required/);
  });

  it("fails at cold start naming an invalid variable and its value", async () => {
    await expect(loadHandler(env({ MAX_CONCURRENCY: "lots" }))).rejects.toThrow(
      /MAX_CONCURRENCY="lots" is invalid/,
    );
  });

  it("assumes IAM_ROLE_ARN with IAM_EXTERNAL_ID through STS and signs with the assumed credentials", async () => {
    const handler = await loadHandler(
      env({ IAM_ROLE_ARN: "arn:aws:iam::210987654321:role/bus-writer", IAM_EXTERNAL_ID: "ext-123" }),
    );
    await handler(kafkaEvent([kafkaRecord()]));
    expect(aws.stsCalls).toHaveLength(1);
    expect(aws.stsCalls[0]?.get("RoleArn")).toBe("arn:aws:iam::210987654321:role/bus-writer");
    expect(aws.stsCalls[0]?.get("ExternalId")).toBe("ext-123");
    expect(String(aws.putEvents[0]?.headers.authorization)).toContain("Credential=ASIALOCALASSUMED/");
  });

  it("signs for the bus's region when the bus lives in another region", async () => {
    const handler = await loadHandler(
      env({
        EVENT_BUS_ARN: "arn:aws:events:eu-west-1:210987654321:event-bus/central",
        AWS_REGION: "us-east-1",
      }),
    );
    await handler(kafkaEvent([kafkaRecord()]));
    expect(String(aws.putEvents[0]?.headers.authorization)).toMatch(/\/eu-west-1\/events\/aws4_request/);
    expect(delivered()[0]?.EventBusName).toBe("arn:aws:events:eu-west-1:210987654321:event-bus/central");
  });

  it("honours the SDK's AWS_ENDPOINT_URL_EVENTBRIDGE when EVENTBRIDGE_ENDPOINT_URL is not set", async () => {
    const handler = await loadHandler(
      env({ EVENTBRIDGE_ENDPOINT_URL: "", AWS_ENDPOINT_URL_EVENTBRIDGE: aws.url }),
    );
    await handler(kafkaEvent([kafkaRecord()]));
    expect(delivered()).toHaveLength(1);
  });

  it("sends to a global endpoint with EndpointId, signed with SigV4a", async () => {
    const handler = await loadHandler(env({ GLOBAL_ENDPOINT_ID: "abcde.veo" }));
    await handler(kafkaEvent([kafkaRecord()]));
    const [call] = aws.putEvents;
    expect(call?.endpointId).toBe("abcde.veo");
    expect(String(call?.headers.authorization)).toMatch(/^AWS4-ECDSA-P256-SHA256 /);
    expect(call?.headers["x-amz-region-set"]).toBe("*");
  });
});

describe("handler over HTTP: connector compatibility of payloads and headers", () => {
  const detailOf = (entry: WireEntry | undefined) => entry?.Detail ?? "";

  it("sends an empty value (0 bytes, not a tombstone) and an empty JSON key as null, as the connector does", async () => {
    const handler = await loadHandler(env({ KEY_FORMAT: "json" }));
    const response = await handler(kafkaEvent([kafkaRecord({ key: "", value: "" })]));
    expect(response.batchItemFailures).toEqual([]);
    expect(detailOf(delivered()[0])).toMatch(/"key":null,"value":null\}$/);
    expect(aws.deadLetters).toEqual([]);
  });

  it("sends a pretty-printed value compact, keeping strings, escapes, \\u2028, key order and number spelling", async () => {
    const value =
      '{\n  "zeta" : 1.10 ,\n  "exp" :\t1E+2 ,\r\n  "text" : "a  b\\n\\"q\\" \\u0041 \u2028 tab\\t" ,\n' +
      '  "nested" : [ { "k" : [ 1 , -0.0 , 1e-7 ] } , [ ] , { } ] ,\n  "alpha" : 9223372036854775807\n}\n';
    const handler = await loadHandler(env());
    const response = await handler(kafkaEvent([kafkaRecord({ value })]));
    expect(response.batchItemFailures).toEqual([]);
    const compact =
      '{"zeta":1.10,"exp":1E+2,"text":"a  b\\n\\"q\\" \\u0041 \u2028 tab\\t",' +
      '"nested":[{"k":[1,-0.0,1e-7]},[],{}],"alpha":9223372036854775807}';
    expect(detailOf(delivered()[0]).endsWith(`"value":${compact}}`)).toBe(true);
    expect(JSON.parse(compact)).toEqual(JSON.parse(value));
  });

  it("dead-letters keys and values that are not canonical base64 with their original text", async () => {
    const handler = await loadHandler(env());
    const response = await handler(
      kafkaEvent([
        { ...kafkaRecord({ offset: 0 }), value: "eyJhIjoxfQ==Zm9v" },
        { ...kafkaRecord({ offset: 1 }), value: "e30*" },
        { ...kafkaRecord({ offset: 2 }), key: "%%%" },
        kafkaRecord({ offset: 3 }),
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(offsets(delivered())).toEqual([3]);
    expect(deadLetterBodies().map((body) => [body.offset, body.errorCode, body.key, body.value])).toEqual([
      [0, "InvalidBase64", null, "eyJhIjoxfQ==Zm9v"],
      [1, "InvalidBase64", null, "e30*"],
      [2, "InvalidBase64", "%%%", kafkaRecord().value],
    ]);
  });

  it("dead-letters values over PutEvents' integer and nesting limits, and sends those at the limits", async () => {
    const handler = await loadHandler(env());
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    const response = await handler(
      kafkaEvent([
        kafkaRecord({ offset: 0, value: '{"id": 9223372036854775808}' }),
        kafkaRecord({ offset: 1, value: "[-9223372036854775808, 1E+30, 12345678901234567890.5]" }),
        kafkaRecord({ offset: 2, value: nested(999) }),
        kafkaRecord({ offset: 3, value: nested(998) }),
        kafkaRecord({ offset: 4, headers: [["deep", nested(997)]] }),
      ]),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(offsets(delivered())).toEqual([1, 3]);
    expect(deadLetterBodies().map((body) => [body.offset, body.errorCode])).toEqual([
      [0, "IntegerOutOfRange"],
      [2, "NestingTooDeep"],
      [4, "NestingTooDeep"],
    ]);
  });

  it("types header values as the connector does by default, and keeps strings with HEADER_FORMAT=string", async () => {
    const record = kafkaRecord({
      headers: [
        ["num", "42"],
        ["float", "1.10"],
        ["json", '{"a":[1,2]}'],
        ["date", "2026-11-23"],
        ["spaced", " padded "],
        ["gone", null],
      ],
    });
    const typed = await loadHandler(env());
    await typed(kafkaEvent([record]));
    expect(detailOf(delivered()[0])).toContain(
      '"headers":[{"num":42},{"float":1.1},{"json":{"a":[1,2]}},{"date":20780},{"spaced":" padded "},{"gone":null}]',
    );
    vi.unstubAllEnvs();
    const strings = await loadHandler(env({ HEADER_FORMAT: "string" }));
    await strings(kafkaEvent([record]));
    expect(detailOf(delivered()[1])).toContain(
      '"headers":[{"num":"42"},{"float":"1.10"},{"json":"{\\"a\\":[1,2]}"},{"date":"2026-11-23"},{"spaced":" padded "},{"gone":null}]',
    );
  });
});
