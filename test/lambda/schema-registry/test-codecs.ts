import avro from "avsc";
import protobuf from "protobufjs";
import type { RegistryFormat } from "../../../lambda/env-names";
import type { CodecCompiler, CodecLoader } from "../../../lambda/schema-registry/codec-port";

/**
 * A stand-in for the Avro codec (lambda/schema-registry/codecs/avro.ts, written separately): avsc's own
 * decoding rendered with JSON.stringify. Enough to test the decoder's plumbing, not the connector's rendering.
 */
export const avscCodec: CodecCompiler = ({ text, references }) => {
  const registry: Record<string, avro.Type> = {};
  for (const reference of references.values()) avro.Type.forSchema(JSON.parse(reference), { registry });
  const type = avro.Type.forSchema(JSON.parse(text), { registry });
  return {
    render(payload) {
      return JSON.stringify(type.fromBuffer(payload), (_, value: unknown) =>
        typeof value === "bigint" ? value.toString() : value,
      );
    },
  };
};

/** A stand-in JSON Schema codec: the body is the JSON document itself. */
export const jsonCodec: CodecCompiler = () => ({
  render(payload) {
    return JSON.stringify(JSON.parse(payload.toString("utf8")));
  },
});

/**
 * A stand-in Protobuf codec (protobufjs): the message at Confluent's index path, rendered by
 * `toObject` with longs as strings. Enough to test message selection, not the documented rendering.
 */
export const protobufCodec: CodecCompiler = ({ text }) => {
  const root = protobuf.parse(text, { keepCase: true }).root;
  const messagesOf = (namespace: protobuf.NamespaceBase): protobuf.Type[] =>
    namespace.nestedArray.flatMap((nested) =>
      nested instanceof protobuf.Type
        ? [nested]
        : nested instanceof protobuf.Namespace && !(nested instanceof protobuf.Service)
          ? messagesOf(nested)
          : [],
    );
  return {
    render(payload, messageIndexes = [0]) {
      let candidates = messagesOf(root);
      let type: protobuf.Type | undefined;
      for (const index of messageIndexes) {
        type = candidates[index];
        if (type === undefined) throw new Error(`no message at ${messageIndexes.join(".")}`);
        candidates = type.nestedArray.filter(
          (nested): nested is protobuf.Type => nested instanceof protobuf.Type,
        );
      }
      if (type === undefined) throw new Error("no message index");
      return JSON.stringify({ [type.name]: type.toObject(type.decode(payload), { longs: String }) });
    },
  };
};

/** A loader of the stand-ins that records which formats were loaded, for the lazy-loading assertions. */
export function testCodecLoader(): { load: CodecLoader; loaded: RegistryFormat[] } {
  const loaded: RegistryFormat[] = [];
  return {
    loaded,
    load: async (format) => {
      loaded.push(format);
      if (format === "avro") return avscCodec;
      if (format === "json-schema") return jsonCodec;
      if (format === "protobuf") return protobufCodec;
      throw new Error(`no test codec for ${format}`);
    },
  };
}

/** Confluent framing: magic byte 0, the id big-endian, then the body. */
export function confluentFrame(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

/** Glue framing, uncompressed: version 3, compression 0, the version UUID's 16 bytes, then the body. */
export function glueFrame(versionId: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([3, 0]), Buffer.from(versionId.replaceAll("-", ""), "hex"), body]);
}
