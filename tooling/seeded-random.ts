import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { mersenne } from "pure-rand/generator/mersenne";

/**
 * A deterministic `Math.random` stand-in (fast-check's own generator library): the same seed gives the
 * same sequence, so a fault pattern or a payload mix can be replayed and shrunk.
 */
export function seededRandom(seed: number): () => number {
  const generator = mersenne(seed);
  return () => uniformFloat64(generator);
}
