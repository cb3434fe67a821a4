import { describe, expect, it } from "vitest";
import { type Config, checkConfig, loadConfig } from "../../lambda/config";
import { detailTypeFor } from "../../lambda/core/detail-type";
import { mapRecord } from "../../lambda/core/map-entry";
import { ENV } from "../../lambda/env-names";
import { ConfigError, ConfigErrors } from "../../lambda/errors";
import { kafkaRecord } from "../../tooling/kafka-records";

const BUS_ARN = "arn:aws:events:eu-west-3:123456789012:event-bus/orders-bus";
const REQUIRED = { CONNECTOR_ID: "orders-sink", EVENT_BUS_ARN: BUS_ARN } as const;

function load(env: Record<string, string> = {}): Config {
  return loadConfig({ ...REQUIRED, ...env });
}

/** Runs `loadConfig` and returns the ConfigError it throws; fails the test if it does not throw one. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig: required variables", () => {
  it.each([ENV.connectorId, ENV.eventBusArn])("throws a ConfigError naming %s when it is missing", (name) => {
    const env: Record<string, string | undefined> = { ...REQUIRED };
    delete env[name];
    const error = configError(env);
    expect(error.variable).toBe(name);
    expect(error.value).toBeUndefined();
    expect(error.code).toBe("InvalidConfiguration");
    expect(error.message).toContain(name);
    expect(error.message).toMatch(/required/);
  });

  it.each([ENV.connectorId, ENV.eventBusArn])("treats a blank %s as missing", (name) => {
    const error = configError({ ...REQUIRED, [name]: "   " });
    expect(error.variable).toBe(name);
    expect(error.message).toMatch(/required/);
  });

  it("reports every missing and invalid variable at once", () => {
    expect(() => loadConfig({})).toThrow(ConfigErrors);
    expect(() => loadConfig({})).toThrow(/CONNECTOR_ID[\s\S]*EVENT_BUS_ARN/);
    const { config, problems } = checkConfig({ MAX_CONCURRENCY: "lots", RETRIES_MAX: "-1" });
    expect(config).toBeUndefined();
    expect(problems.map((problem) => problem.variable)).toEqual([
      ENV.connectorId,
      ENV.eventBusArn,
      ENV.maxConcurrency,
      ENV.retriesMax,
    ]);
  });
});

describe("loadConfig: invalid values name the variable and the value", () => {
  it.each([
    [ENV.eventBusArn, "orders-bus"],
    [ENV.eventBusArn, "arn:aws:sqs:eu-west-3:123456789012:orders-bus"],
    [ENV.eventBusArn, "arn:aws:events:eu-west-3:1234:event-bus/orders"],
    [ENV.eventBusArn, "arn:aws:events::123456789012:event-bus/orders"],
    [ENV.maxConcurrency, "0"],
    [ENV.maxConcurrency, "abc"],
    [ENV.maxConcurrency, "-1"],
    [ENV.maxConcurrency, "1.5"],
    [ENV.maxConcurrency, "257"],
    [ENV.retriesMax, "21"],
    [ENV.retriesMax, "1000"],
    [ENV.retryDelayMs, "60001"],
    [ENV.maxRequestBytes, "1048576"],
    [ENV.maxRequestBytes, "1023"],
    [ENV.partialBatchResponse, "yes"],
    [ENV.partialBatchResponse, "1"],
    [ENV.logRecordPayloads, "on"],
    [ENV.valueFormat, "xml"],
    [ENV.valueFormat, "orders:xml"],
    [ENV.keyFormat, "bytes"],
    [ENV.detailTypes, "a:b,c"],
    [ENV.detailTypes, "orders:,logs:LogLine"],
    [ENV.detailTypes, ":TypeA"],
    [ENV.detailTypeJsonPath, "eventType"],
    [ENV.detailTypeJsonPath, "$"],
    [ENV.eventTime, "now"],
    [ENV.eventTime, "$"],
    [ENV.iamRoleArn, "arn:aws:iam::123456789012:user/alice"],
    [ENV.dlqUrl, "not-a-queue"],
    [ENV.eventBridgeEndpointUrl, "localhost:4566"],
    [ENV.globalEndpointId, "no dots"],
    [ENV.eventSource, "s".repeat(257)],
    [ENV.eventSource, "aws.orders"],
    [ENV.logLevel, "LOUD"],
    [ENV.logLevel, "debug"],
  ])("rejects %s=%j", (name, value) => {
    const error = configError({ ...REQUIRED, [name]: value });
    expect(error.variable).toBe(name);
    expect(error.value).toBe(value);
    expect(error.message).toContain(name);
    expect(error.message).toContain(JSON.stringify(value));
    expect(error.expected).not.toBe("");
  });

  it("lists the supported formats when a format is unknown", () => {
    const error = configError({ ...REQUIRED, KEY_FORMAT: "xml" });
    for (const format of ["json", "string", "base64", "auto"]) expect(error.message).toContain(format);
  });

  it("requires IAM_ROLE_ARN when IAM_EXTERNAL_ID is set", () => {
    const error = configError({ ...REQUIRED, IAM_EXTERNAL_ID: "ext-123" });
    expect(error.variable).toBe(ENV.iamRoleArn);
    expect(error.message).toContain(ENV.iamRoleArn);
    expect(error.message).toContain(ENV.iamExternalId);
  });

  it("accepts IAM_EXTERNAL_ID together with IAM_ROLE_ARN", () => {
    const role = "arn:aws:iam::210987654321:role/eventbridge-writer";
    const config = load({ IAM_ROLE_ARN: role, IAM_EXTERNAL_ID: "ext-123" });
    expect(config.iamRoleArn).toBe(role);
    expect(config.iamExternalId).toBe("ext-123");
  });

  // jsonpath-plus' toPathArray("$.items[") returns ["$", "items"], so an unbalanced bracket passes the
  // "at least one segment" check and the variable silently means "$.items". SPEC §6 asks that an
  // invalid variable fail at cold start. Bug reported to the lead.
  it("rejects a JSONPath with an unbalanced bracket (DETAIL_TYPE_JSONPATH=$.items[)", () => {
    const error = configError({ ...REQUIRED, DETAIL_TYPE_JSONPATH: "$.items[" });
    expect(error.variable).toBe(ENV.detailTypeJsonPath);
  });
});

describe("loadConfig: defaults and parsed values", () => {
  it("applies the documented defaults", () => {
    const config = load();
    expect(config.connectorId).toBe("orders-sink");
    expect(config.eventBusArn).toBe(BUS_ARN);
    expect(config.maxRequestBytes).toBe(1_048_575);
    expect(config.maxConcurrency).toBe(16);
    expect(config.retryDelayMs).toBe(200);
    expect(config.retriesMax).toBe(2);
    expect(config.keyFormat).toEqual({ defaultFormat: "string", byTopic: new Map() });
    expect(config.valueFormat).toEqual({ defaultFormat: "json", byTopic: new Map() });
    expect(config.source).toBe("kafka-connect.orders-sink");
    expect(config.resources).toEqual([]);
    expect(config.eventTime).toEqual({ kind: "none" });
    expect(config.detailTypeJsonPath).toBeUndefined();
    expect(config.partialBatchResponse).toBe(false);
    expect(config.logRecordPayloads).toBe(false);
    expect(config.dlqUrl).toBeUndefined();
    expect(config.iamRoleArn).toBeUndefined();
    expect(config.globalEndpointId).toBeUndefined();
    expect(config.eventBridgeEndpointUrl).toBeUndefined();
  });

  it.each([
    ["arn:aws:events:eu-west-3:123456789012:event-bus/orders-bus", "eu-west-3"],
    ["arn:aws:events:us-east-1:123456789012:event-bus/default", "us-east-1"],
    ["arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/b", "us-gov-west-1"],
    ["arn:aws-cn:events:cn-north-1:123456789012:event-bus/b", "cn-north-1"],
    ["arn:aws:events:ap-southeast-5:123456789012:event-bus/aws.partner/vendor/x", "ap-southeast-5"],
  ])("takes the bus region from %s", (arn, region) => {
    expect(load({ EVENT_BUS_ARN: arn }).eventBusRegion).toBe(region);
  });

  it("freezes the config object and its resource list", () => {
    const config = load({ EVENT_RESOURCES: "arn:aws:s3:::a" });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.resources)).toBe(true);
    expect(() => {
      (config as { maxConcurrency: number }).maxConcurrency = 1;
    }).toThrow(TypeError);
  });

  it("reads the numeric limits at their bounds", () => {
    const config = load({
      MAX_REQUEST_BYTES: "1024",
      MAX_CONCURRENCY: "256",
      RETRY_DELAY_MS: "0",
      RETRIES_MAX: "20",
    });
    expect(config.maxRequestBytes).toBe(1024);
    expect(config.maxConcurrency).toBe(256);
    expect(config.retryDelayMs).toBe(0);
    expect(config.retriesMax).toBe(20);
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["false", false],
    [" false ", false],
  ])("reads PARTIAL_BATCH_RESPONSE=%j as %s", (text, value) => {
    expect(load({ PARTIAL_BATCH_RESPONSE: text }).partialBatchResponse).toBe(value);
  });

  it("uses EVENT_SOURCE as the source when set", () => {
    expect(load({ EVENT_SOURCE: "com.example.orders" }).source).toBe("com.example.orders");
  });

  it("splits EVENT_RESOURCES on commas, trimming and dropping empty items", () => {
    expect(load({ EVENT_RESOURCES: " arn:aws:s3:::a ,, arn:aws:s3:::b," }).resources).toEqual([
      "arn:aws:s3:::a",
      "arn:aws:s3:::b",
    ]);
  });

  it("reads per-topic formats with a bare default for the other topics", () => {
    const config = load({ VALUE_FORMAT: "orders:json, logs:string, auto", KEY_FORMAT: "base64" });
    expect(config.valueFormat.defaultFormat).toBe("auto");
    expect([...config.valueFormat.byTopic]).toEqual([
      ["orders", "json"],
      ["logs", "string"],
    ]);
    expect(config.keyFormat).toEqual({ defaultFormat: "base64", byTopic: new Map() });
  });

  it("keeps the format default when only per-topic formats are given", () => {
    expect(load({ VALUE_FORMAT: "logs:string" }).valueFormat.defaultFormat).toBe("json");
  });

  it("reads EVENT_TIME=timestamp and EVENT_TIME=<JSONPath>", () => {
    expect(load({ EVENT_TIME: "timestamp" }).eventTime).toEqual({ kind: "timestamp" });
    const rule = load({ EVENT_TIME: "$.meta.time" }).eventTime;
    expect(rule.kind).toBe("jsonPath");
    if (rule.kind === "jsonPath") expect(rule.query.read({ meta: { time: "t" } })).toBe("t");
  });

  it("compiles DETAIL_TYPE_JSONPATH", () => {
    const query = load({ DETAIL_TYPE_JSONPATH: "$.eventType" }).detailTypeJsonPath;
    expect(query?.path).toBe("$.eventType");
    expect(query?.read({ eventType: "OrderShipped" })).toBe("OrderShipped");
  });

  it("reads the optional endpoint, DLQ and global endpoint settings", () => {
    const config = load({
      EVENTBRIDGE_ENDPOINT_URL: "http://127.0.0.1:5000",
      DLQ_URL: "https://sqs.eu-west-3.amazonaws.com/123456789012/orders-dlq",
      GLOBAL_ENDPOINT_ID: "abcde.veo",
    });
    expect(config.eventBridgeEndpointUrl).toBe("http://127.0.0.1:5000");
    expect(config.dlqUrl).toBe("https://sqs.eu-west-3.amazonaws.com/123456789012/orders-dlq");
    expect(config.globalEndpointId).toBe("abcde.veo");
  });
});

describe("loadConfig: LOG_LEVEL", () => {
  it.each(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"])("accepts %s", (level) => {
    expect(() => load({ LOG_LEVEL: level })).not.toThrow();
  });

  it("rejects LOUD, listing the levels Powertools Logger accepts", () => {
    const error = configError({ ...REQUIRED, LOG_LEVEL: "LOUD" });
    expect(error.message).toBe(
      'LOG_LEVEL="LOUD" is invalid: expected one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT',
    );
  });

  it("rejects a lower-case level, which Powertools would ignore, with the spelling it reads", () => {
    expect(configError({ ...REQUIRED, LOG_LEVEL: "debug" }).message).toContain('did you mean "DEBUG"?');
  });
});

describe("loadConfig: PutEvents limits a setting alone breaks fail the cold start", () => {
  it("accepts a Source of 256 characters and rejects one of 257, counting characters, not bytes", () => {
    expect(load({ EVENT_SOURCE: "é".repeat(256) }).source).toHaveLength(256);
    expect(configError({ ...REQUIRED, EVENT_SOURCE: "é".repeat(257) }).message).toContain(
      "a Source of at most 256 characters (PutEvents' limit), got 257",
    );
  });

  it("names CONNECTOR_ID when the default Source it makes is too long", () => {
    const error = configError({ ...REQUIRED, CONNECTOR_ID: "c".repeat(243) });
    expect(error.variable).toBe(ENV.connectorId);
    expect(error.message).toContain('it makes the Source "kafka-connect.ccc');
    expect(load({ CONNECTOR_ID: "c".repeat(242) }).source).toHaveLength(256);
  });

  it("accepts 100 resources of 2,048 characters", () => {
    const resources = Array.from({ length: 100 }, (_, index) => `${index}`.padEnd(2_048, "r"));
    expect(load({ EVENT_RESOURCES: resources.join(",") }).resources).toHaveLength(100);
  });

  it("rejects 101 resources", () => {
    const resources = Array.from({ length: 101 }, (_, index) => `arn:aws:s3:::b${index}`);
    const error = configError({ ...REQUIRED, EVENT_RESOURCES: resources.join(",") });
    expect(error.variable).toBe(ENV.eventResources);
    expect(error.message).toContain("at most 100 comma-separated resources (PutEvents' limit), got 101");
  });

  it("names the resource that is too long", () => {
    const error = configError({ ...REQUIRED, EVENT_RESOURCES: `a,b,${"c".repeat(2_049)}` });
    expect(error.message).toContain("got 2049 for item 3");
  });

  it.each([
    ["a static detail-type", "d".repeat(129), "a detail-type of 1 to 128 characters"],
    ["a listed topic's detail-type", `orders:${"d".repeat(129)}`, `a detail-type for topic "orders"`],
    ["a template too long for any topic", `${"d".repeat(128)}-\${topic}`, "it makes at least 130"],
  ])("rejects %s over PutEvents' 128 characters", (_, value, expected) => {
    const error = configError({ ...REQUIRED, DETAIL_TYPES: value });
    expect(error.variable).toBe(ENV.detailTypes);
    expect(error.message).toContain(expected);
  });

  it("accepts a detail-type of 128 characters", () => {
    expect(() => load({ DETAIL_TYPES: "d".repeat(128) })).not.toThrow();
  });
});

describe("loadConfig: DETAIL_TYPES typos fail with a hint", () => {
  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: the connector's placeholder
  it.each([
    ["kafka-connect-{topic}", "did you mean `${topic}`?"],
    ["kafka-connect-$topic", 'did you mean `${topic}` for "$topic"?'],
    ["kafka-connect-${Topic}", 'did you mean `${topic}` for "${Topic}"?'],
    ["${TOPIC}", 'did you mean `${topic}` for "${TOPIC}"?'],
    ["${ topic }", 'did you mean `${topic}` for "${ topic }"?'],
    ["orders:OrderEvent;customers:CustomerEvent", 'did you mean "," between topic:DetailType items?'],
    ["orders=Foo", 'did you mean "orders:Foo"?'],
    ["my topic:Foo", "whose topic is a Kafka topic name"],
  ])("rejects DETAIL_TYPES=%s", (value, hint) => {
    const error = configError({ ...REQUIRED, DETAIL_TYPES: value });
    expect(error.variable).toBe(ENV.detailTypes);
    expect(error.message).toContain(hint);
  });

  it.each([
    ["kafka-connect-${topic}", "orders", "kafka-connect-orders"],
    ["${topic}", "orders", "orders"],
    ["my-type", "orders", "my-type"],
    ["my.type/v1 (orders)", "orders", "my.type/v1 (orders)"],
    ["OrderPlaced", "logs", "OrderPlaced"],
    ["orders:OrderEvent,logs:LogLine", "orders", "OrderEvent"],
    ["orders:OrderEvent,logs:LogLine", "payments", "kafka-connect-payments"],
    ["orders.v1:Order Event", "orders.v1", "Order Event"],
    ["a=b c", "t", "a=b c"],
    ["cost: $5", "cost", "$5"],
  ])("keeps what the connector accepts and means: DETAIL_TYPES=%s gives %s → %s", (value, topic, type) => {
    expect(detailTypeFor(load({ DETAIL_TYPES: value }).detailTypes, topic)).toBe(type);
  });
  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: the connector's placeholder
});

describe("loadConfig: LOG_RECORD_PAYLOADS", () => {
  it.each([
    [undefined, false],
    ["INFO", false],
    ["WARN", false],
    ["DEBUG", true],
    ["TRACE", true],
  ])("with LOG_LEVEL=%s is effective: %s", (level, effective) => {
    const env: Record<string, string> = { LOG_RECORD_PAYLOADS: "true" };
    if (level !== undefined) env.LOG_LEVEL = level;
    expect(load(env).logRecordPayloads).toBe(effective);
  });

  it("stays off at DEBUG when LOG_RECORD_PAYLOADS is not true", () => {
    expect(load({ LOG_LEVEL: "DEBUG" }).logRecordPayloads).toBe(false);
    expect(load({ LOG_LEVEL: "DEBUG", LOG_RECORD_PAYLOADS: "false" }).logRecordPayloads).toBe(false);
  });
});

describe("loadConfig: JSONPath variables are usable at runtime", () => {
  // compileJsonPath accepts "$.items[?(@.type)]" (toPathArray only splits it), but the query runs with
  // eval: false, so read() throws "Eval [?(expr)] prevented" for every record and mapRecord throws an
  // Error that is neither a ConfigError at cold start nor a PoisonRecordError. SPEC §6: an unusable
  // variable must fail at cold start. Either rejecting it there or evaluating it satisfies this test.
  it.each([ENV.detailTypeJsonPath, ENV.eventTime])(
    "either rejects %s with a filter expression at cold start or evaluates it",
    (name) => {
      let config: Config;
      try {
        config = load({ [name]: "$.items[?(@.type)].type" });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return;
      }
      expect(() => mapRecord(config, kafkaRecord({ value: { items: [{ type: "A" }] } }))).not.toThrow();
    },
  );
});
