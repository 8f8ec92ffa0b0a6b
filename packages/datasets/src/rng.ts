// Seeds become random streams in one place. Every stream is named by its purpose and the
// numbers that select it (seed, epoch ...), so streams never overlap and 0 is a seed like any other.
import seedrandom from 'seedrandom';
import { DatasetOptionError } from './errors';

/** Uniform [0, 1) generator. */
export type Rng = () => number;

/** A seeded generator (seedrandom's alea) for `purpose` and the given keys. */
export function createRng(purpose: string, ...keys: number[]): Rng {
  return seedrandom.alea(`randwire-datasets:${purpose}:${keys.join(':')}`);
}

/** A bijective 32-bit mixer (splitmix32-style finalizer): distinct inputs give distinct outputs. */
export function mix32(x: number): number {
  let h = (x + 0x9e3779b9) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

export function checkSeed(seed: unknown, where: string, name = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new DatasetOptionError(`${where}: invalid ${name} (${String(seed)}): must be a finite number`);
  }
  return seed;
}

export function checkInteger(
  value: unknown,
  where: string,
  name: string,
  min: number,
  max = Infinity,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new DatasetOptionError(`${where}: invalid ${name} (${String(value)}): must be an integer ${range}`);
  }
  return value;
}
