import { TrainOptionsError } from './errors';
import { learningRateAt } from './schedule';

describe('learningRateAt', () => {
  it('starts at lr, halves at mid-run and decays towards 0 (half-period cosine)', () => {
    const o = { lr: 0.1, totalSteps: 100, warmupSteps: 0 };
    expect(learningRateAt(0, o)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(50, o)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(99, o)).toBeLessThan(0.0001);
    expect(learningRateAt(99, o)).toBeGreaterThan(0);
    for (let s = 1; s < 100; s++) expect(learningRateAt(s, o)).toBeLessThan(learningRateAt(s - 1, o));
  });

  it('warms up linearly, then follows the cosine over the remaining steps', () => {
    const o = { lr: 0.4, totalSteps: 14, warmupSteps: 4 };
    [0.1, 0.2, 0.3, 0.4].forEach((want, s) => {
      expect(learningRateAt(s, o)).toBeCloseTo(want, 12);
    });
    expect(learningRateAt(4, o)).toBeCloseTo(0.4, 12);
    expect(learningRateAt(9, o)).toBeCloseTo(0.2, 12);
  });

  it('rejects bad arguments with the value named', () => {
    expect(() => learningRateAt(0, { lr: 0.1, totalSteps: 0, warmupSteps: 0 })).toThrow(TrainOptionsError);
    expect(() => learningRateAt(0, { lr: 0.1, totalSteps: 5, warmupSteps: 6 })).toThrow(/warmupSteps \(6\)/);
    expect(() => learningRateAt(-1, { lr: 0.1, totalSteps: 5, warmupSteps: 0 })).toThrow(/step \(-1\)/);
  });
});
