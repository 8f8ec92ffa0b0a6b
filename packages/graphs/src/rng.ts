// Seeds become random number generators here, and only here (style.md: `createRng(seed)`).
import { randomInt } from 'node:crypto';
import seedrandom from 'seedrandom';
import { InvalidParameterError } from './errors';

/** A uniform random number generator on [0, 1). Every generator draws only from its `rng`. */
export type Rng = () => number;

/** A seed: a number or a string. `null` / `undefined` mean "no seed" (a fresh random stream). */
export type Seed = number | string;

/**
 * Returns a seeded RNG: seedrandom's `alea` algorithm (portable: the same stream on every
 * machine and Node version) keyed by `String(seed)`. The seed 0 is a seed like any other.
 * `null` or `undefined` give an unseeded stream keyed by a fresh random seed (see `randomSeed`).
 */
export function createRng(seed?: Seed | null): Rng {
  if (seed == null) return seedrandom.alea(String(randomSeed()));
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) {
      throw new InvalidParameterError('rng', 'seed', seed, 'a finite number, a string, or null for no seed');
    }
  } else if (typeof seed !== 'string') {
    throw new InvalidParameterError('rng', 'seed', seed, 'a finite number, a string, or null for no seed');
  }
  return seedrandom.alea(String(seed));
}

/** A fresh random seed (integer in [0, 2^32)) from the operating system's entropy, for
 * callers that want to record the seed of an otherwise unseeded run. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 32 - 1);
}

/** A uniform integer in [0, n), drawn with one call to `rng`. */
export function randomIndex(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
