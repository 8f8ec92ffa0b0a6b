import { normalValues, sfc32, uniformValues } from './init-random';

describe('normalValues', () => {
  it('is a pure function of (count, stddev, seed)', () => {
    expect(Array.from(normalValues(101, 0.5, 7))).toEqual(Array.from(normalValues(101, 0.5, 7)));
    expect(Array.from(normalValues(100, 0.5, 7))).not.toEqual(Array.from(normalValues(100, 0.5, 8)));
    // a prefix of a longer draw: the stream does not depend on the count
    expect(Array.from(normalValues(10, 1, 3))).toEqual(Array.from(normalValues(20, 1, 3).subarray(0, 10)));
    const a = sfc32(0);
    const b = sfc32(0);
    for (let i = 0; i < 10; i++) expect(a()).toBe(b());
  });

  it('has the requested mean, standard deviation and a normal shape', () => {
    const n = 100000;
    const v = normalValues(n, 2, 12345);
    const mean = v.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
    expect(Math.abs(mean)).toBeLessThan(5 * (2 / Math.sqrt(n)));
    expect(Math.abs(sd - 2)).toBeLessThan(0.03);
    // P(|x| < sd) = 0.6827 for a normal; binomial sd ≈ 0.0015 at n = 1e5
    const within = v.filter((x) => Math.abs(x) < 2).length / n;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.0075);
    expect(v.every(Number.isFinite)).toBe(true);
  });
});

describe('uniformValues', () => {
  it('is a pure function of (count, limit, seed) and a prefix of longer draws', () => {
    expect(Array.from(uniformValues(50, 0.3, 7))).toEqual(Array.from(uniformValues(50, 0.3, 7)));
    expect(Array.from(uniformValues(50, 0.3, 7))).not.toEqual(Array.from(uniformValues(50, 0.3, 8)));
    expect(Array.from(uniformValues(10, 1, 3))).toEqual(Array.from(uniformValues(20, 1, 3).subarray(0, 10)));
  });

  it('stays in [-limit, limit) with the mean 0 and the variance limit² / 3 of a uniform', () => {
    const n = 100000;
    const limit = 0.25;
    const v = uniformValues(n, limit, 99);
    expect(v.every((x) => x >= -limit && x < limit)).toBe(true);
    const mean = v.reduce((s, x) => s + x, 0) / n;
    const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    // sd of the mean: limit / sqrt(3n) ≈ 4.6e-4; of the variance estimate ≈ 0.3% relative
    expect(Math.abs(mean)).toBeLessThan(5 * (limit / Math.sqrt(3 * n)));
    expect(variance / (limit ** 2 / 3)).toBeCloseTo(1, 1);
    // a tenth of the draws in each tenth of the range (binomial sd ≈ 0.001)
    const tenth = v.filter((x) => x >= 0.5 * limit && x < 0.7 * limit).length / n;
    expect(Math.abs(tenth - 0.1)).toBeLessThan(0.005);
  });
});
