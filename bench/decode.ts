import type { Schema } from "avsc";
import avsc from "avsc/etc/browser/avsc-types.js";
import { parse as parseProto } from "protobufjs";
import { renderPayload } from "../lambda/core/decode-payload";
import { jsonValue } from "./payloads";
import { MB, median } from "./stats";

/** The order documents of bench/payloads.ts, as the three formats carry them. */
const AVRO_SCHEMA = {
  type: "record",
  name: "Order",
  namespace: "bench",
  fields: [
    { name: "orderId", type: "string" },
    {
      name: "customer",
      type: {
        type: "record",
        name: "Customer",
        fields: [
          { name: "id", type: "long" },
          { name: "name", type: "string" },
          { name: "tier", type: "string" },
        ],
      },
    },
    { name: "amount", type: "double" },
    { name: "currency", type: "string" },
    { name: "createdAt", type: "string" },
    {
      name: "items",
      type: {
        type: "array",
        items: {
          type: "record",
          name: "Item",
          fields: [
            { name: "sku", type: "string" },
            { name: "qty", type: "int" },
            { name: "price", type: "double" },
            { name: "tags", type: { type: "array", items: "string" } },
          ],
        },
      },
    },
    { name: "note", type: "string" },
  ],
} as Schema;

const PROTO_SCHEMA = `
syntax = "proto3";
package bench;
message Order {
  string orderId = 1;
  Customer customer = 2;
  double amount = 3;
  string currency = 4;
  string createdAt = 5;
  repeated Item items = 6;
  string note = 7;
}
message Customer { int64 id = 1; string name = 2; string tier = 3; }
message Item { string sku = 1; int32 qty = 2; double price = 3; repeated string tags = 4; }
`;

export interface DecodeFigure {
  readonly format: "json" | "avro" | "protobuf";
  /** Mean payload size in this format (the same documents). */
  readonly valueBytes: number;
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
  /** records/s relative to the JSON path on the same documents. */
  readonly ratioToJson: number;
}

/**
 * Decode throughput of ~1 KB values: the JSON path (`renderPayload`, validating and embedding the
 * text) next to the Avro and Protobuf codecs rendering the same documents encoded by avsc and
 * protobufjs. Each path starts from the base64 the event carries and ends with the JSON text for
 * `detail`. Timed in the same loop, alternating, after a warm-up; the median of the repetitions.
 */
export async function benchDecode(quick: boolean): Promise<DecodeFigure[]> {
  const avro = await import("../lambda/schema-registry/codecs/avro");
  const protobuf = await import("../lambda/schema-registry/codecs/protobuf");
  const options = { decimalFormat: "base64" } as const;
  const noReferences = new Map<string, string>();
  const avroCodec = avro.compile({ text: JSON.stringify(AVRO_SCHEMA), references: noReferences }, options);
  const protoCodec = protobuf.compile({ text: PROTO_SCHEMA, references: noReferences }, options);
  const avroType = avsc.Type.forSchema(AVRO_SCHEMA);
  const protoType = parseProto(PROTO_SCHEMA, { keepCase: true }).root.lookupType("bench.Order");

  const count = quick ? 2_000 : 10_000;
  const documents = Array.from({ length: 16 }, (_, seed) => jsonValue(1_000, 1_000 * 8 + seed));
  const inputs = {
    json: documents.map((text) => Buffer.from(text, "utf8").toString("base64")),
    avro: documents.map((text) => avroType.toBuffer(JSON.parse(text)).toString("base64")),
    protobuf: documents.map((text) =>
      Buffer.from(protoType.encode(protoType.fromObject(JSON.parse(text))).finish()).toString("base64"),
    ),
  };
  const paths: Record<DecodeFigure["format"], (base64: string) => string> = {
    json: (base64) => {
      const rendered = renderPayload(base64, "json");
      if (!rendered.ok) throw new Error(rendered.expected);
      return rendered.json;
    },
    avro: (base64) => avroCodec.render(Buffer.from(base64, "base64")),
    protobuf: (base64) => protoCodec.render(Buffer.from(base64, "base64"), [0]),
  };
  const formats = Object.keys(paths) as DecodeFigure["format"][];
  const warmups = quick ? 2 : 4;
  const repetitions = quick ? 3 : 9;
  const timings = new Map(formats.map((format) => [format, [] as number[]]));
  let sink = 0;
  for (let round = 0; round < warmups + repetitions; round += 1) {
    for (const format of formats) {
      const render = paths[format];
      const values = inputs[format];
      const start = performance.now();
      for (let i = 0; i < count; i += 1) sink += render(values[i % values.length] as string).length;
      if (round >= warmups) timings.get(format)?.push(performance.now() - start);
    }
  }
  if (sink === 0) throw new Error("nothing rendered");
  const perSecond = (format: DecodeFigure["format"]) => count / (median(timings.get(format) ?? []) / 1000);
  const jsonRate = perSecond("json");
  return formats.map((format) => {
    const valueBytes =
      inputs[format].reduce((total, base64) => total + Buffer.from(base64, "base64").length, 0) /
      inputs[format].length;
    const recordsPerSecond = perSecond(format);
    return {
      format,
      valueBytes: Math.round(valueBytes),
      records: count,
      recordsPerSecond: Math.round(recordsPerSecond),
      megabytesPerSecond: Math.round(((recordsPerSecond * valueBytes) / MB) * 10) / 10,
      ratioToJson: Math.round((recordsPerSecond / jsonRate) * 100) / 100,
    };
  });
}
