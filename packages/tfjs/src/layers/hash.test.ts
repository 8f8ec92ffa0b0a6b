import { hash32, hashUniform } from './hash';

describe('hash32', () => {
  it('is a pure function of its parts', () => {
    expect(hash32(0, 5, 's1_n2_agg')).toBe(hash32(0, 5, 's1_n2_agg'));
    expect(hash32(0, 5, 's1_n2_agg')).not.toBe(hash32(0, 6, 's1_n2_agg'));
    expect(hash32(0, 5, 's1_n2_agg')).not.toBe(hash32(1, 5, 's1_n2_agg'));
    // part boundaries matter: ('1', '23') is not ('12', '3')
    expect(hash32('1', '23')).not.toBe(hash32('12', '3'));
  });

  it('returns unsigned 32-bit integers', () => {
    for (let i = 0; i < 100; i++) {
      const h = hash32('x', i);
      expect(Number.isInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 32);
    }
  });

  it('gives roughly uniform draws in [0, 1)', () => {
    const n = 20000;
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) {
      const u = hashUniform('u', i);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      bins[Math.floor(u * 10)]! += 1;
    }
    // each bin expects 2000 ± 42 (1 sd); 6 sd bound, deterministic inputs
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(6 * Math.sqrt(n * 0.1 * 0.9));
  });
});
