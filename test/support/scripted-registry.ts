import type { RegistryDecoder, RegistryPayload } from "../../lambda/schema-registry/registry-decoder";

/**
 * A registry decoder port for unit tests of the pipeline: a payload's first byte says what the registry
 * answers — `P` unknown schema (poison), `R` registry unreachable (retryable), anything else is the JSON
 * text itself. It records what `prepare` was given. The real decoder is tested against real registries.
 */
export function scriptedRegistry() {
  const prepared: RegistryPayload[][] = [];
  const registry: RegistryDecoder = {
    async prepare(payloads) {
      prepared.push([...payloads]);
    },
    render({ bytes }) {
      if (bytes[0] === 0x50)
        return { ok: false, code: "UnknownSchema", expected: "a schema id the registry knows" };
      if (bytes[0] === 0x52) {
        return { ok: false, retryable: true, code: "RegistryUnavailable", message: "registry answered 503" };
      }
      return { ok: true, json: bytes.toString("utf8"), text: bytes.toString("utf8") };
    },
  };
  return { registry, prepared };
}
