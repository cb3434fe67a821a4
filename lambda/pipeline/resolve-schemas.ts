import type { KafkaRecord } from "../core/kafka-event";
import type { MappingConfig } from "../core/map-entry";
import type { Deadline } from "../delivery/deadline";
import type { RegistryDecoder, RegistryPayload } from "../schema-registry/registry-decoder";
import { registryPayload } from "./part-renderer";

/**
 * Stage 1 (SPEC §9): fetches, before any record is mapped, every schema the batch's registry-encoded
 * keys and values need, so that mapping stays synchronous. Does nothing for a batch without them. What
 * cannot be fetched in time is remembered by the decoder and reported per record while mapping.
 */
export async function resolveSchemas(
  records: readonly KafkaRecord[],
  config: MappingConfig,
  registry: RegistryDecoder | undefined,
  deadline: Deadline,
): Promise<void> {
  if (registry === undefined) return;
  const payloads: RegistryPayload[] = [];
  for (const record of records) {
    for (const part of ["key", "value"] as const) {
      const payload = registryPayload(config, record, part);
      if (payload !== undefined && "bytes" in payload) payloads.push(payload);
    }
  }
  if (payloads.length === 0) return;
  await registry.prepare(payloads, AbortSignal.timeout(Math.max(1, deadline.remainingMs())));
}
