// Bundled by bench/registry.ts as the function will be once the pipeline calls the registry decoder: the
// handler, the decoder (its clients behind dynamic imports) and a hook that loads every codec the way
// the decoder does, to time a cold start that goes on to decode registry formats.
import { REGISTRY_FORMATS } from "../lambda/env-names";
import { loadCodec } from "../lambda/schema-registry/codecs/load-codec";

export { handler } from "../lambda/handler";
export { registryDecoderFor } from "../lambda/schema-registry/registry-decoder-for";

/** Loads the three codecs; resolves to the formats whose codec loaded. */
export async function loadAllCodecs(): Promise<string[]> {
  const loaded: string[] = [];
  for (const format of REGISTRY_FORMATS) {
    await loadCodec(format).then(
      () => loaded.push(format),
      () => undefined,
    );
  }
  return loaded;
}
