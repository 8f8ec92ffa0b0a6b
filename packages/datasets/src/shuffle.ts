// Seeded permutations: one per (seed, epoch), independent of batch size.
import { createRng } from './rng';

/** A permutation of 0..count-1 (Fisher–Yates), the same for the same (seed, epoch) on every machine. */
export function shuffledIndices(count: number, seed: number, epoch: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = i;
  const rng = createRng('shuffle', seed, epoch);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
