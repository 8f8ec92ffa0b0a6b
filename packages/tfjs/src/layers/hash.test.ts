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
    const hs = Array.from({ length: 1000 }, (_, i) => hash32('x', i));
    expect(hs.every((h) => Number.isInteger(h) && h >= 0 && h < 2 ** 32)).toBe(true);
    expect(new Set(hs).size).toBe(1000);
  });

  it('gives roughly uniform draws in [0, 1)', () => {
    const n = 20000;
    const bins = new Array<number>(10).fill(0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = hashUniform('u', i);
      min = Math.min(min, u);
      max = Math.max(max, u);
      bins[Math.floor(u * 10)]! += 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // each bin expects 2000 ± 42 (1 sd); 6 sd bound, deterministic inputs
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(6 * Math.sqrt(n * 0.1 * 0.9));
  });
});
