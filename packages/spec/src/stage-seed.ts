// Per-stage seeds: each random stage draws its own graph from a seed derived from the network
// seed s and the stage's position, so stages never share a graph (randwire.md section 6) and
// changing one stage's options does not change the others' graphs.
//
// Derivation (portable: integer arithmetic on 32 bits, exact in every JavaScript engine):
//   stageSeed(s, i) = fmix32(fnv1a32(`randwire-stage:${s}:${i}`))
// where s is written in decimal (`String(s)`), i is the stage's 0-based position in
// `stages`, fnv1a32 is 32-bit FNV-1a over the UTF-16 code units (all ASCII here) and fmix32 is
// MurmurHash3's finalizer. The result, an integer in [0, 2^32), is recorded in
// `stage.graph.seed` and turned into the stage's RNG by `createRng` of @randwire/graphs.

function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The seed of stage `index` (0-based) of a network generated with seed `seed`. */
export function stageSeed(seed: number, index: number): number {
  return fmix32(fnv1a32(`randwire-stage:${seed}:${index}`));
}
