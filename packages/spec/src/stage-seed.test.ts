import { stageSeed } from './stage-seed';

describe('stageSeed', () => {
  it('follows the documented derivation', () => {
    // Reference computation of FNV-1a + fmix32 written out with BigInt (independent of Math.imul).
    const ref = (text: string) => {
      const M = 2n ** 32n;
      let h = 0x811c9dc5n;
      for (const ch of text) h = ((h ^ BigInt(ch.charCodeAt(0))) * 0x01000193n) % M;
      h ^= h >> 16n;
      h = (h * 0x85ebca6bn) % M;
      h ^= h >> 13n;
      h = (h * 0xc2b2ae35n) % M;
      h ^= h >> 16n;
      return Number(h);
    };
    for (const [s, i] of [
      [0, 0],
      [0, 3],
      [42, 1],
      [4294967295, 2],
    ] as const) {
      expect(stageSeed(s, i)).toBe(ref(`randwire-stage:${s}:${i}`));
    }
  });

  it('gives every stage its own seed, and seed 0 is a seed', () => {
    const seeds = [0, 1, 2, 3].map((i) => stageSeed(0, i));
    expect(new Set(seeds).size).toBe(4);
    expect(stageSeed(0, 0)).not.toBe(stageSeed(1, 0));
    for (const s of seeds) {
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(2 ** 32);
    }
  });
});
