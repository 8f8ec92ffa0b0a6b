// A stable, stateless hash of a list of parts (strings and numbers) to 32 bits, and a uniform
// draw in [0, 1) from it. Every seeded draw of model building and training noise (weight
// initialization, drop-edge, dropout masks) is a pure function of (seed, step, layer name)
// through these, so a resumed run reproduces the draws of an uninterrupted one.

// Globals read once: global lookups are slow inside vm contexts (jest's test environment).
const { imul } = Math;
const toText = String;

/** FNV-1a over the UTF-16 code units of the parts (joined by U+0000), then murmur3's fmix32
 * finalizer for avalanche. Stable across machines and releases: changing it changes every
 * seeded network's initial weights. */
export function hash32(...parts: ReadonlyArray<string | number>): number {
  const text = parts.map((p) => toText(p)).join('\u0000');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) determined by the parts. */
export function hashUniform(...parts: ReadonlyArray<string | number>): number {
  return hash32(...parts) / 4294967296;
}
