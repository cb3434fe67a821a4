// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} is the connector's DETAIL_TYPES placeholder, not a template literal
import { ENV, type EnvRole, type RecordFormat } from "../../lambda/env-names";

/**
 * Turns a Kafka Connect configuration of the Java sink `aws/eventbridge-kafka-connector` v1.6.1 into
 * this project's settings. Property names and semantics come from the connector's
 * `EventBridgeSinkConfig.java` and README at tag v1.6.1, and from Kafka Connect's sink options
 * (https://kafka.apache.org/documentation/#sinkconnectconfigs).
 */

/** One connector property and what became of it. */
export interface PropertyNote {
  readonly property: string;
  /** What it maps to (`DETAIL_TYPES`, `-c onFailure=kafka:dlq`), or undefined when it has no equivalent. */
  readonly mappedTo: string | undefined;
  /** Why it has no equivalent, what replaces it, or how the meaning differs. */
  readonly note: string;
}

export interface Migration {
  readonly name: string | undefined;
  /** CDK context for `cdk deploy` (`-c key=value`), handler settings under their role names. */
  readonly context: Readonly<Record<string, string>>;
  /** The function's environment variables (the CDK app derives `DLQ_URL` and `PARTIAL_BATCH_RESPONSE`). */
  readonly environment: Readonly<Record<string, string>>;
  /** Every property read, in input order, with where it went or why it has no equivalent. */
  readonly notes: readonly PropertyNote[];
  /** Things that stop the migrated settings from producing the connector's events; fix them first. */
  readonly problems: readonly string[];
}

const CONNECTOR_CLASS = "software.amazon.event.kafkaconnector.EventBridgeSinkConnector";
const MAPPER_PACKAGE = "software.amazon.event.kafkaconnector.mapping.";
const TOPIC_TEMPLATE = "${topic}";

/** Converters whose output this function reproduces, by class name: the record format they stand for. */
const CONVERTER_FORMATS: Readonly<Record<string, { format: RecordFormat; registry?: "confluent" | "glue" }>> =
  {
    "org.apache.kafka.connect.storage.StringConverter": { format: "string" },
    "org.apache.kafka.connect.json.JsonConverter": { format: "json" },
    "org.apache.kafka.connect.converters.ByteArrayConverter": { format: "base64" },
    "io.confluent.connect.avro.AvroConverter": { format: "avro", registry: "confluent" },
    "io.confluent.connect.protobuf.ProtobufConverter": { format: "protobuf", registry: "confluent" },
    "io.confluent.connect.json.JsonSchemaConverter": { format: "json-schema", registry: "confluent" },
    "com.amazonaws.services.schemaregistry.kafkaconnect.AWSKafkaAvroConverter": {
      format: "avro",
      registry: "glue",
    },
    "com.amazonaws.services.schemaregistry.kafkaconnect.protobuf.ProtobufSchemaConverter": {
      format: "protobuf",
      registry: "glue",
    },
    "com.amazonaws.services.schemaregistry.kafkaconnect.jsonschema.JsonSchemaConverter": {
      format: "json-schema",
      registry: "glue",
    },
  };

const STRING_HEADER_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";
const SIMPLE_HEADER_CONVERTER = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

type Properties = ReadonlyMap<string, string>;

/** The connector's `config` object (or the whole `{ name, config }` body) as string properties. */
export function connectorProperties(document: unknown): { name: string | undefined; properties: Properties } {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new Error(
      "expected a JSON object: the connector configuration, or { name, config } as POSTed to Connect",
    );
  }
  const body = document as Record<string, unknown>;
  const config = typeof body.config === "object" && body.config !== null ? body.config : body;
  const properties = new Map<string, string>();
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    properties.set(key, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  const name = typeof body.name === "string" ? body.name : properties.get("name");
  return { name, properties };
}

/** Kafka's `ConfigDef.Type.LIST` parsing: comma-separated, each item trimmed, empty text is an empty list. */
function list(text: string): string[] {
  return text.trim() === "" ? [] : text.split(",").map((item) => item.trim());
}

class Collector {
  readonly context: Record<string, string> = {};
  readonly environment: Record<string, string> = {};
  readonly notes: PropertyNote[] = [];
  readonly problems: string[] = [];
  readonly #handled = new Set<string>();

  constructor(readonly properties: Properties) {}

  get(property: string): string | undefined {
    return this.properties.get(property);
  }

  /** Records a property as mapped to a handler setting: the env variable and the context role. */
  setting(property: string, role: EnvRole, value: string, note = ""): void {
    this.environment[ENV[role]] = value;
    this.context[role] = value;
    this.note(property, `${ENV[role]} / -c ${role}`, note);
  }

  deployment(property: string, option: string, value: string, note = ""): void {
    this.context[option] = value;
    this.note(property, `-c ${option}`, note);
  }

  note(property: string, mappedTo: string | undefined, note: string): void {
    this.#handled.add(property);
    this.notes.push({ property, mappedTo, note });
  }

  handled(property: string): boolean {
    return this.#handled.has(property);
  }

  /** Marks properties read as part of another one's mapping (converter sub-properties, for example). */
  consumed(...properties: string[]): void {
    for (const property of properties) this.#handled.add(property);
  }
}

function setFormat(c: Collector, side: "key" | "value"): void {
  const property = `${side}.converter`;
  const role = side === "key" ? "keyFormat" : "valueFormat";
  const functionDefault: RecordFormat = side === "key" ? "string" : "json";
  const converter = c.get(property);
  if (converter === undefined) {
    c.note(
      property,
      undefined,
      `not set: the Connect worker's ${property} applied. Check which one it is; this function reads ${side}s as ${ENV[role]}=${functionDefault} unless told otherwise`,
    );
    return;
  }
  const known = CONVERTER_FORMATS[converter];
  if (known === undefined) {
    c.note(
      property,
      undefined,
      `${converter} has no equivalent: this function decodes json, string, base64 (bytes), avro, protobuf and json-schema. ${ENV[role]}=auto renders JSON when it parses, else text, else base64`,
    );
    c.problems.push(`${property}=${converter} has no equivalent format; choose ${ENV[role]} yourself`);
    return;
  }
  const prefix = `${property}.`;
  const sub = (name: string) => c.get(prefix + name);
  let note = "";
  if (known.format === "json") {
    const schemas = sub("schemas.enable");
    if (schemas !== undefined) {
      c.note(
        `${prefix}schemas.enable`,
        undefined,
        "read with the converter: this function embeds the JSON document as it is",
      );
    }
    if (schemas === undefined || schemas.toLowerCase() !== "false") {
      note =
        `${prefix}schemas.enable is ${schemas ?? "true (JsonConverter's default)"}: the converter expects {"schema","payload"} envelopes and the connector sends only the payload, ` +
        "while this function sends the whole JSON document. Set it to false in the connector first if the records are plain JSON";
      c.problems.push(
        `${prefix}schemas.enable is not false: records with schema envelopes would be sent whole, not as the connector's payload`,
      );
    }
  }
  if (known.format === "base64")
    note = "bytes rendered as a base64 string, as the connector renders byte arrays";
  if (known.registry === "confluent") {
    const url = sub("schema.registry.url");
    c.consumed(`${prefix}schema.registry.url`);
    if (url !== undefined) {
      c.setting(`${prefix}schema.registry.url`, "schemaRegistryUrl", list(url)[0] ?? url);
      if (list(url).length > 1)
        note = `${prefix}schema.registry.url lists several URLs; only the first is used`;
    } else
      c.problems.push(`${property}=${converter} needs ${prefix}schema.registry.url (SCHEMA_REGISTRY_URL)`);
    for (const auth of ["basic.auth.credentials.source", "basic.auth.user.info"]) {
      if (sub(auth) === undefined) continue;
      c.note(
        prefix + auth,
        undefined,
        `registry credentials are not passed as settings: store {"username","password"} in a Secrets Manager secret and set ${ENV.schemaRegistryAuthSecretArn} (-c schemaRegistryAuthSecretArn=<secret ARN>)`,
      );
    }
  }
  if (known.registry === "glue") {
    const region = sub("region");
    if (region !== undefined) c.setting(`${prefix}region`, "glueRegistryRegion", region);
    for (const name of ["registry.name", "schemaName", "avroRecordType", "schemaAutoRegistrationEnabled"]) {
      if (sub(name) === undefined) continue;
      c.note(
        prefix + name,
        undefined,
        "not needed: each record's Glue header names its schema version id, which the function reads with its role (glue:GetSchemaVersion)",
      );
    }
  }
  if (known.format !== functionDefault) c.setting(property, role, known.format, note);
  else c.note(property, `${ENV[role]}=${known.format} (the default)`, note);
}

function setDetailTypes(c: Collector): void {
  const mapper = c.get("aws.eventbridge.detail.types.mapper.class");
  const fieldRef = c.get("aws.eventbridge.detail.types.jsonpathmapper.fieldref");
  const detailTypes = c.get("aws.eventbridge.detail.types");
  const jsonPathMapper = mapper === `${MAPPER_PACKAGE}JsonPathDetailTypeMapper`;

  if (mapper !== undefined && mapper !== `${MAPPER_PACKAGE}DefaultDetailTypeMapper` && !jsonPathMapper) {
    c.note(
      "aws.eventbridge.detail.types.mapper.class",
      undefined,
      `${mapper} is custom Java code, which cannot run here. Replace it with DETAIL_TYPES (per topic, or a \${topic} template), DETAIL_TYPE_JSONPATH (a string field of the value), or an EventBridge input transformer on the rule`,
    );
    c.problems.push(`custom detail-type mapper ${mapper}: detail-types will differ until replaced`);
  } else if (mapper !== undefined && !jsonPathMapper) {
    c.note("aws.eventbridge.detail.types.mapper.class", undefined, "the default mapper: nothing to set");
  }

  if (jsonPathMapper) {
    c.note("aws.eventbridge.detail.types.mapper.class", "DETAIL_TYPE_JSONPATH", "JsonPathDetailTypeMapper");
    if (fieldRef === undefined || fieldRef.trim() === "") {
      c.problems.push("JsonPathDetailTypeMapper needs aws.eventbridge.detail.types.jsonpathmapper.fieldref");
    } else {
      c.setting(
        "aws.eventbridge.detail.types.jsonpathmapper.fieldref",
        "detailTypeJsonPath",
        fieldRef.trim(),
        "read from the record's value; a missing, empty or non-string result falls back to DETAIL_TYPES",
      );
    }
    // The mapper falls back to the bare topic name and ignores aws.eventbridge.detail.types.
    c.setting(
      detailTypes === undefined ? "(JsonPathDetailTypeMapper fallback)" : "aws.eventbridge.detail.types",
      "detailTypes",
      TOPIC_TEMPLATE,
      "JsonPathDetailTypeMapper falls back to the topic name and ignores aws.eventbridge.detail.types",
    );
    return;
  }
  if (fieldRef !== undefined) {
    c.note(
      "aws.eventbridge.detail.types.jsonpathmapper.fieldref",
      undefined,
      "ignored by the connector: only JsonPathDetailTypeMapper reads it",
    );
  }
  if (detailTypes === undefined) return;
  if (mapper !== undefined && mapper !== `${MAPPER_PACKAGE}DefaultDetailTypeMapper`) {
    c.note("aws.eventbridge.detail.types", undefined, "ignored by the connector: a custom mapper is set");
    return;
  }
  const items = list(detailTypes);
  if (items.length === 0 || (items.length === 1 && !(items[0] ?? "").includes(":"))) {
    c.setting("aws.eventbridge.detail.types", "detailTypes", items[0] ?? "");
    return;
  }
  // The connector splits each item with Java's split(":") and keeps parts [0] and [1]: a detail-type
  // containing ":" is cut at its second colon, and a repeated topic stops the connector (toMap throws).
  const byTopic = new Map<string, string>();
  const notes: string[] = [];
  for (const item of items) {
    const parts = item.split(":");
    while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
    const [topic = "", type] = parts;
    if (type === undefined) {
      c.problems.push(
        `aws.eventbridge.detail.types item "${item}" has no detail-type: the connector fails to start`,
      );
      continue;
    }
    if (parts.length > 2)
      notes.push(
        `"${item}" is cut to "${type}" by the connector's split(":"); kept as the connector sends it`,
      );
    if (byTopic.has(topic)) {
      c.problems.push(
        `aws.eventbridge.detail.types names topic "${topic}" twice: the connector fails to start`,
      );
    }
    byTopic.set(topic, type);
  }
  c.setting(
    "aws.eventbridge.detail.types",
    "detailTypes",
    [...byTopic].map(([topic, type]) => `${topic}:${type}`).join(","),
    notes.join("; "),
  );
}

function setTopics(c: Collector): void {
  const topics = c.get("topics");
  if (topics !== undefined) {
    c.deployment(
      "topics",
      "topics",
      list(topics).join(","),
      "one event source mapping per topic (Lambda allows one topic per Kafka mapping)",
    );
  }
  const regex = c.get("topics.regex");
  if (regex !== undefined) {
    c.note(
      "topics.regex",
      undefined,
      `no equivalent: a Lambda Kafka mapping names its topic, it cannot subscribe by pattern. List the topics matching /${regex}/ (kafka-topics.sh --list) and pass -c topics=a,b`,
    );
    c.problems.push(`topics.regex=${regex}: list the matching topics with -c topics=...`);
  }
  if (topics === undefined && regex === undefined) c.problems.push("neither topics nor topics.regex is set");
}

function setErrors(c: Collector): void {
  const tolerance = c.get("errors.tolerance");
  const dlq = c.get("errors.deadletterqueue.topic.name");
  if (tolerance !== undefined) {
    c.note(
      "errors.tolerance",
      undefined,
      tolerance === "all"
        ? "this function never skips a record. Undecodable records go to the SQS dead-letter queue the CDK app creates (DLQ_URL); records that still fail after the mapping's retries go to its on-failure destination"
        : "where the connector's task stops on a bad record, this function dead-letters it to SQS (DLQ_URL) and goes on",
    );
  }
  if (dlq !== undefined && dlq.trim() !== "") {
    c.deployment(
      "errors.deadletterqueue.topic.name",
      "onFailure",
      `kafka:${dlq.trim()}`,
      "what exhausts the mapping's retries is produced to this topic (with the record under payload); undecodable records go to the SQS dead-letter queue first. The topic must exist; Kafka destinations need provisioned pollers (the default)",
    );
    if (tolerance !== "all") {
      c.note(
        "errors.deadletterqueue.topic.name",
        undefined,
        "the connector only uses its dead-letter topic with errors.tolerance=all",
      );
    }
  }
  const extra: Record<string, string> = {
    "errors.deadletterqueue.topic.replication.factor":
      "Lambda does not create the destination topic; create it yourself",
    "errors.deadletterqueue.context.headers.enable":
      "the on-failure record carries requestContext/responseContext and KafkaBatchInfo instead of error headers",
    "errors.retry.timeout":
      "replaced by the mapping's retries: -c retryAttempts (default 10) and -c maxRecordAgeSeconds; the function itself retries PutEvents with RETRIES_MAX",
    "errors.retry.delay.max.ms": "replaced by the function's backoff: RETRY_DELAY_MS is its base",
    "errors.log.enable": "every dead-lettered and failed record is logged with its coordinates and error",
    "errors.log.include.messages":
      "LOG_LEVEL=DEBUG with LOG_RECORD_PAYLOADS=true logs keys and values; never by default",
  };
  for (const [property, note] of Object.entries(extra)) {
    if (c.get(property) !== undefined) c.note(property, undefined, note);
  }
}

function setAws(c: Collector): void {
  const id = c.get("aws.eventbridge.connector.id");
  if (id !== undefined)
    c.setting("aws.eventbridge.connector.id", "connectorId", id, "events keep Source kafka-connect.<id>");
  else c.problems.push("aws.eventbridge.connector.id is required (it names the events' source)");

  const bus = c.get("aws.eventbridge.eventbus.arn");
  const region = c.get("aws.eventbridge.region");
  if (bus !== undefined) {
    c.setting("aws.eventbridge.eventbus.arn", "eventBusArn", bus);
  } else c.problems.push("aws.eventbridge.eventbus.arn is required");
  if (region !== undefined) {
    const busRegion = bus?.split(":")[3];
    c.note(
      "aws.eventbridge.region",
      undefined,
      busRegion !== undefined && busRegion !== region
        ? `the function talks to the bus's own region (${busRegion}, from its ARN), not ${region}`
        : "the function takes the region from the bus ARN",
    );
  }
  const simple: [string, EnvRole, string][] = [
    ["aws.eventbridge.endpoint.uri", "eventBridgeEndpointUrl", ""],
    [
      "aws.eventbridge.eventbus.global.endpoint.id",
      "globalEndpointId",
      "sent as EndpointId, signed with SigV4a",
    ],
    [
      "aws.eventbridge.iam.role.arn",
      "iamRoleArn",
      "assumed with the function's role; the session name is the connector id, as before",
    ],
    ["aws.eventbridge.iam.external.id", "iamExternalId", ""],
  ];
  for (const [property, role, note] of simple) {
    const value = c.get(property);
    if (value !== undefined && value.trim() !== "") c.setting(property, role, value.trim(), note);
    else if (value !== undefined)
      c.note(property, undefined, "empty: the connector's default, nothing to set");
  }
  const resources = c.get("aws.eventbridge.eventbus.resources");
  if (resources !== undefined) {
    const items = list(resources).filter((item) => item !== "");
    if (items.length > 0) c.setting("aws.eventbridge.eventbus.resources", "eventResources", items.join(","));
    else
      c.note(
        "aws.eventbridge.eventbus.resources",
        undefined,
        "empty: events carry no resources, as by default",
      );
  }

  const retries = c.get("aws.eventbridge.retries.max");
  if (retries !== undefined) {
    c.setting(
      "aws.eventbridge.retries.max",
      "retriesMax",
      retries.trim(),
      "retries after the first attempt, of the failed entries only; throttling is retried with backoff, not counted twice as in the connector",
    );
  }
  const delay = c.get("aws.eventbridge.retries.delay");
  if (delay !== undefined) {
    c.setting(
      "aws.eventbridge.retries.delay",
      "retryDelayMs",
      delay.trim(),
      "the base of an exponential backoff with full jitter, where the connector waits this long between every attempt",
    );
  }

  const provider = c.get("aws.eventbridge.auth.credentials_provider.class");
  if (provider !== undefined && provider.trim() !== "") {
    c.note(
      "aws.eventbridge.auth.credentials_provider.class",
      undefined,
      `${provider} is Java code: the function signs with its execution role (granted events:PutEvents by the CDK app); for a bus in another account set IAM_ROLE_ARN (and IAM_EXTERNAL_ID)`,
    );
  }
  const profile = c.get("aws.eventbridge.iam.profile.name");
  if (profile !== undefined && profile.trim() !== "") {
    c.note(
      "aws.eventbridge.iam.profile.name",
      undefined,
      `no profiles in Lambda: the function's execution role replaces profile "${profile}"; if the profile assumed a role (role_arn), set IAM_ROLE_ARN to it`,
    );
  }

  const timeMapper = c.get("aws.eventbridge.time.mapper.class");
  if (timeMapper !== undefined) {
    if (timeMapper === `${MAPPER_PACKAGE}DefaultTimeMapper`) {
      c.note(
        "aws.eventbridge.time.mapper.class",
        undefined,
        "the default: EventBridge stamps the time, as with EVENT_TIME unset",
      );
    } else {
      c.note(
        "aws.eventbridge.time.mapper.class",
        undefined,
        `${timeMapper} is custom Java code: EVENT_TIME=timestamp uses the Kafka timestamp, EVENT_TIME=$.path reads an ISO-8601 string or epoch milliseconds from the value`,
      );
      c.problems.push(`custom time mapper ${timeMapper}: choose EVENT_TIME`);
    }
  }

  const bucket = c.get("aws.eventbridge.offloading.default.s3.bucket");
  const fieldRef = c.get("aws.eventbridge.offloading.default.fieldref");
  const s3Endpoint = c.get("aws.eventbridge.offloading.default.s3.endpoint.uri");
  if (bucket !== undefined && bucket.trim() !== "") {
    c.setting("aws.eventbridge.offloading.default.s3.bucket", "offloadS3Bucket", bucket.trim());
    // The connector offloads every record whose field matches, whatever its size.
    c.environment[ENV.offloadThresholdBytes] = "0";
    c.context.offloadThresholdBytes = "0";
    c.note(
      "(offloading threshold)",
      `${ENV.offloadThresholdBytes}=0 / -c offloadThresholdBytes=0`,
      "the connector offloads every matching record, whatever its size; raise it to offload only large ones",
    );
    if (fieldRef !== undefined && fieldRef.trim() !== "") {
      c.setting("aws.eventbridge.offloading.default.fieldref", "offloadJsonPath", fieldRef.trim());
    }
    c.note(
      "(offloading object keys)",
      undefined,
      "objects are keyed <prefix><topic>/<partition>/<offset> (OFFLOAD_S3_PREFIX), not by a random UUID: a redelivery overwrites instead of adding a copy; dataref/datarefJsonPath are as before",
    );
  } else {
    if (bucket !== undefined)
      c.note(
        "aws.eventbridge.offloading.default.s3.bucket",
        undefined,
        "empty: offloading off, as by default",
      );
    if (fieldRef !== undefined) {
      c.note(
        "aws.eventbridge.offloading.default.fieldref",
        undefined,
        "ignored: offloading is off without a bucket",
      );
    }
  }
  if (s3Endpoint !== undefined && s3Endpoint.trim() !== "") {
    c.note(
      "aws.eventbridge.offloading.default.s3.endpoint.uri",
      undefined,
      "no setting of its own: the function's S3 client uses the standard endpoint of its region",
    );
  }
}

/** Kafka Connect properties that have no place in a Lambda mapping, with what replaces them. */
const CONNECT_PROPERTIES: Readonly<Record<string, string>> = {
  name: "the connector's name; the CDK stack (-c stackName) and the function replace it",
  "tasks.max":
    "replaced by the mapping's pollers: in provisioned mode Lambda runs -c minimumPollers to -c maximumPollers (default 1 to 200) consumers and scales with the partitions",
  "consumer.override.max.poll.records":
    "closest: -c batchSize (records per invocation, default 100, up to 10,000)",
  "consumer.override.group.id":
    "closest: -c consumerGroupId (with several topics it must contain ${topic}: each mapping has its own group)",
  "config.action.reload": "the function reads its settings at cold start; a deploy replaces them",
};

const OFFSET_RESET: Readonly<Record<string, string>> = { earliest: "TRIM_HORIZON", latest: "LATEST" };

function setConnect(c: Collector): void {
  const connectorClass = c.get("connector.class");
  if (connectorClass !== undefined) {
    if (connectorClass === CONNECTOR_CLASS || connectorClass === "EventBridgeSinkConnector") {
      c.note("connector.class", undefined, "the Java sink this function replaces");
    } else {
      c.note("connector.class", undefined, `not the EventBridge sink (${CONNECTOR_CLASS})`);
      c.problems.push(`connector.class is ${connectorClass}, not ${CONNECTOR_CLASS}`);
    }
  }
  for (const property of ["auto.offset.reset", "consumer.override.auto.offset.reset"]) {
    const reset = c.get(property);
    if (reset === undefined) continue;
    const position = OFFSET_RESET[reset.toLowerCase()];
    if (position !== undefined) {
      c.deployment(property, "startingPosition", position, "where a mapping with no committed offset starts");
    } else
      c.note(
        property,
        undefined,
        `"${reset}" has no starting position equivalent (TRIM_HORIZON, LATEST or AT_TIMESTAMP)`,
      );
  }
  const header = c.get("header.converter");
  if (header === STRING_HEADER_CONVERTER) {
    c.setting("header.converter", "headerFormat", "string", "header values stay UTF-8 strings");
  } else if (header === undefined || header === SIMPLE_HEADER_CONVERTER) {
    c.note(
      "header.converter",
      `${ENV.headerFormat}=connector (the default)`,
      `${header === undefined ? "not set: Connect's SimpleHeaderConverter" : "SimpleHeaderConverter"}; numbers, booleans, JSON and dates in header text become typed JSON values, as before`,
    );
  } else {
    c.note(
      "header.converter",
      undefined,
      `${header} has no equivalent: HEADER_FORMAT is connector, string or base64`,
    );
    c.problems.push(`header.converter=${header}: choose HEADER_FORMAT`);
  }
  for (const [property, note] of Object.entries(CONNECT_PROPERTIES)) {
    if (c.get(property) !== undefined) c.note(property, undefined, note);
  }
}

/**
 * Maps a connector configuration to this function's settings. Pure: every property ends in `notes`
 * (mapped, or why it has no equivalent), and whatever would change the events is in `problems`.
 */
export function migrateConnectorConfig(document: unknown): Migration {
  const { name, properties } = connectorProperties(document);
  const c = new Collector(properties);
  setAws(c);
  setDetailTypes(c);
  setTopics(c);
  setFormat(c, "key");
  setFormat(c, "value");
  setConnect(c);
  setErrors(c);
  if (name !== undefined && properties.get("consumer.override.group.id") === undefined) {
    const topics = list(properties.get("topics") ?? "");
    c.note(
      "(consumer group)",
      undefined,
      topics.length === 1
        ? `the connector committed its offsets in group connect-${name}. To continue where it stopped, stop it and deploy with -c consumerGroupId=connect-${name}; otherwise the mapping starts at -c startingPosition (LATEST by default)`
        : `the connector committed its offsets in group connect-${name}, shared by its topics; each Lambda mapping needs a group of its own, so the mappings start at -c startingPosition (LATEST by default; TRIM_HORIZON replays the topics)`,
    );
  }
  for (const [property, value] of properties) {
    if (c.handled(property)) continue;
    if (property.startsWith("aws.eventbridge.")) {
      c.note(
        property,
        undefined,
        "not a property of connector v1.6.1 (the connector ignores it); check its spelling",
      );
    } else if (/^(transforms|predicates)(\.|$)/.test(property)) {
      c.note(
        property,
        undefined,
        "single message transforms do not run here: use ESM filters (-c filters), an EventBridge input transformer on the rule, or DETAIL_TYPE_JSONPATH / EVENT_TIME",
      );
      if (property === "transforms" && value.trim() !== "") {
        c.problems.push(
          `transforms=${value}: Kafka Connect transforms have no equivalent; events will differ`,
        );
      }
    } else if (/^(consumer|producer|admin)\.override\./.test(property)) {
      c.note(
        property,
        undefined,
        "Kafka client tuning of the Connect worker: Lambda's pollers manage their consumers",
      );
    } else if (/^(key|value|header)\.converter\./.test(property)) {
      c.note(property, undefined, "converter option with no effect on this function's decoding");
    } else {
      c.note(property, undefined, "not a sink connector or EventBridge property this function uses; ignored");
    }
  }
  // Present the notes in the order the properties were given.
  const order = new Map([...properties.keys()].map((key, index) => [key, index]));
  const notes = [...c.notes].sort(
    (a, b) =>
      (order.get(a.property) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.property) ?? Number.MAX_SAFE_INTEGER),
  );
  return { name, context: c.context, environment: c.environment, notes, problems: c.problems };
}
