import { InvalidParameterError } from './errors';
import { createRng, randomIndex, randomSeed } from './rng';

const draw = (rng: () => number, count = 8) => Array.from({ length: count }, () => rng());

describe('createRng', () => {
  it('gives the same stream for the same seed and different streams for different seeds', () => {
    expect(draw(createRng(42))).toEqual(draw(createRng(42)));
    expect(draw(createRng(42))).not.toEqual(draw(createRng(43)));
    expect(draw(createRng('abc'))).toEqual(draw(createRng('abc')));
  });

  it('treats 0 as a seed: reproducible, and unlike an unseeded stream', () => {
    const zero = draw(createRng(0));
    expect(draw(createRng(0))).toEqual(zero);
    expect(draw(createRng())).not.toEqual(zero);
    expect(draw(createRng(null))).not.toEqual(zero);
    expect(draw(createRng())).not.toEqual(draw(createRng()));
  });

  it('draws uniform numbers in [0, 1)', () => {
    const values = draw(createRng(7), 10000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    // sd of the mean of 10,000 uniforms: sqrt(1/12/10000) ~ 0.0029; 5 sd bound.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.015);
  });

  it('rejects a seed that is neither a finite number nor a string', () => {
    expect(() => createRng(Number.NaN)).toThrow(InvalidParameterError);
    expect(() => createRng(Number.POSITIVE_INFINITY)).toThrow(/invalid seed \(Infinity\)/);
    expect(() => createRng({} as unknown as number)).toThrow(InvalidParameterError);
  });

  it('randomSeed gives integers and randomIndex stays in range', () => {
    const s = randomSeed();
    expect(Number.isInteger(s)).toBe(true);
    expect(s).toBeGreaterThanOrEqual(0);
    const rng = createRng(1);
    for (let i = 0; i < 1000; i++) {
      const j = randomIndex(rng, 5);
      expect(j >= 0 && j < 5 && Number.isInteger(j)).toBe(true);
    }
  });
});
