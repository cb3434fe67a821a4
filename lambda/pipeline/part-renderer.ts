import { decodeBase64, INVALID_BASE64, renderPayload } from "../core/decode-payload";
import type { KafkaRecord } from "../core/kafka-event";
import type { MappingConfig } from "../core/map-entry";
import type { PartRenderer, RecordPart } from "../core/part-rendering";
import { formatFor } from "../core/record-format";
import { REGISTRY_FORMATS, type RecordFormat, type RegistryFormat } from "../env-names";
import type { RegistryDecoder, RegistryPayload } from "../schema-registry/registry-decoder";

function isRegistryFormat(format: RecordFormat): format is RegistryFormat {
  return (REGISTRY_FORMATS as readonly string[]).includes(format);
}

/**
 * The format a part is read in. A part the event source mapping already decoded through its own schema
 * registry integration carries `keySchemaMetadata`/`valueSchemaMetadata` and is JSON (SPEC §9).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-consume-kafka-events.html
 */
export function partFormat(config: MappingConfig, record: KafkaRecord, part: RecordPart): RecordFormat {
  if (part === "key")
    return record.keySchemaMetadata === undefined ? formatFor(config.keyFormat, record.topic) : "json";
  return record.valueSchemaMetadata === undefined ? formatFor(config.valueFormat, record.topic) : "json";
}

/**
 * The registry payload of a part, when its format is a schema-registry one and it has bytes; undefined
 * for other formats and for a null or absent part (which renders as `null` without the registry);
 * `INVALID_BASE64` when its text is not canonical base64, as for every other format.
 */
export function registryPayload(
  config: MappingConfig,
  record: KafkaRecord,
  part: RecordPart,
): RegistryPayload | typeof INVALID_BASE64 | undefined {
  return payloadIn(partFormat(config, record, part), record, part);
}

function payloadIn(
  format: RecordFormat,
  record: KafkaRecord,
  part: RecordPart,
): RegistryPayload | typeof INVALID_BASE64 | undefined {
  const base64 = record[part];
  if (!isRegistryFormat(format) || base64 === undefined || base64 === null) return undefined;
  const bytes = decodeBase64(base64);
  return bytes === undefined ? INVALID_BASE64 : { bytes, format, topic: record.topic, part };
}

/** Renders parts by their configured format; schema-registry formats go through `registry`. */
export function partRenderer(config: MappingConfig, registry: RegistryDecoder | undefined): PartRenderer {
  return (record, part) => {
    // The format once per part: this runs for every key and value of the batch.
    const format = partFormat(config, record, part);
    const payload = payloadIn(format, record, part);
    if (payload === undefined) return renderPayload(record[part], format);
    if (!("bytes" in payload)) return payload;
    if (registry === undefined) {
      return {
        ok: false,
        code: "NoSchemaRegistry",
        expected: `${payload.format} bytes, but no schema registry is configured`,
      };
    }
    return registry.render(payload);
  };
}
