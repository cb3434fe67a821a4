/**
 * Produces test records to a Kafka topic, for trying the function with the local ESM.
 * Usage: npm run produce -- --brokers localhost:9092 --topic orders --value '{"id":1}' [options]
 * Documentation: docs/local-esm.md
 */
import {
  integerOption,
  parseCliArgs,
  readInputBytes,
  readInputFile,
  runCli,
  UsageError,
} from "../tooling/cli/cli";
import {
  brokersFrom,
  KAFKA_SECURITY_OPTIONS,
  KAFKA_SECURITY_USAGE,
  kafkaSecurityFrom,
} from "../tooling/cli/kafka-options";
import { kafkaConnectionOptions } from "../tooling/local-esm/kafka-connection";
import { kafkaErrorCauses } from "../tooling/local-esm/local-esm";

const USAGE = `Usage: npm run produce -- --brokers <host:port,...> --topic <name> [record] [options]

Produces test records (acks=all) and prints the partition and offset each batch got.

Record (default value: {"id":<n>,"at":"<now>"}):
  --value TEXT           the value as UTF-8 text; {n} becomes the record's number (0, 1, ...)
  --value-file FILE      the value's bytes from a file
  --lines FILE           one record per line of FILE, the line as the value (UTF-8)
  --tombstone            a null value
  --key TEXT             the key; {n} becomes the record's number (default: no key)
  --header NAME=VALUE    a header (repeatable; a name may repeat)
  --count N              how many records (default 1; with --lines, the file's lines)
  --partition N          this partition (default: by key, or spread)
  -h, --help             this help

${KAFKA_SECURITY_USAGE}`;

runCli(
  "produce",
  async () => {
    const { values } = parseCliArgs(process.argv.slice(2), {
      brokers: { type: "string" },
      topic: { type: "string" },
      value: { type: "string" },
      "value-file": { type: "string" },
      lines: { type: "string" },
      tombstone: { type: "boolean" },
      key: { type: "string" },
      header: { type: "string", multiple: true },
      count: { type: "string" },
      partition: { type: "string" },
      ...KAFKA_SECURITY_OPTIONS,
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const brokers = brokersFrom(values.brokers);
    const topic = values.topic;
    if (topic === undefined || topic.trim() === "")
      throw new UsageError("--topic is required (--help for usage)");
    const sources = [values.value, values["value-file"], values.lines, values.tombstone].filter(
      (v) => v !== undefined,
    );
    if (sources.length > 1) throw new UsageError("give one of --value, --value-file, --lines, --tombstone");
    let connection: ReturnType<typeof kafkaConnectionOptions>;
    try {
      connection = kafkaConnectionOptions(kafkaSecurityFrom(values, process.env));
    } catch (error) {
      throw error instanceof UsageError ? error : new UsageError((error as Error).message);
    }
    const partition = integerOption("partition", values.partition, 0, 1_000_000);
    const headers = (values.header ?? []).map((header): [Buffer, Buffer] => {
      const equals = header.indexOf("=");
      if (equals <= 0) throw new UsageError(`--header must be NAME=VALUE, got "${header}"`);
      return [Buffer.from(header.slice(0, equals)), Buffer.from(header.slice(equals + 1))];
    });
    let records: (Buffer | undefined)[];
    if (values.lines !== undefined) {
      records = readInputFile(values.lines, "lines file")
        .split(/\r?\n/)
        .filter((line) => line !== "")
        .map((line) => Buffer.from(line));
    } else {
      const count = integerOption("count", values.count, 1, 1_000_000) ?? 1;
      const fileBytes =
        values["value-file"] === undefined ? undefined : readInputBytes(values["value-file"], "value file");
      records = Array.from({ length: count }, (_, n) => {
        if (values.tombstone) return undefined;
        if (fileBytes !== undefined) return fileBytes;
        const text = values.value ?? JSON.stringify({ id: n, at: new Date().toISOString() });
        return Buffer.from(text.replaceAll("{n}", String(n)));
      });
    }
    const { Producer, ProduceAcks } = await import("@platformatic/kafka");
    const producer = new Producer({
      clientId: "kafka-eventbridge-produce",
      bootstrapBrokers: brokers,
      acks: ProduceAcks.ALL,
      retries: 1,
      ...connection,
    });
    try {
      const result = await producer.send({
        messages: records.map((value, n) => ({
          topic,
          ...(value === undefined ? {} : { value }),
          ...(values.key === undefined ? {} : { key: Buffer.from(values.key.replaceAll("{n}", String(n))) }),
          ...(headers.length === 0 ? {} : { headers: new Map(headers.map(([k, v]) => [Buffer.from(k), v])) }),
          ...(partition === undefined ? {} : { partition }),
        })),
      });
      const where = (result.offsets ?? [])
        .map((o) => `partition ${o.partition} offset ${o.offset}`)
        .join(", ");
      process.stdout.write(
        `produced ${records.length} record(s) to ${topic}${where === "" ? "" : ` (${where})`}\n`,
      );
      return 0;
    } catch (error) {
      throw new Error(
        `cannot produce to ${topic} through ${brokers.join(",")}: ${kafkaErrorCauses(error, connection).join("; ")}`,
      );
    } finally {
      await producer.close(true).catch(() => {});
    }
  },
  { exitOnError: true },
);
