import { presetCost } from './spec-generation';

describe('presetCost', () => {
  it('reports mean ± std over the seeds, near configuration A', () => {
    const c = presetCost('mnist-small', [0, 1, 2]);
    expect(c.seeds).toEqual([0, 1, 2]);
    expect(Math.abs(c.multiplyAdds.mean / 16.0e6 - 1)).toBeLessThan(0.03);
    expect(c.multiplyAdds.std).toBeGreaterThan(0);
    expect(c.params.mean).toBeGreaterThan(c.trainableParams.mean);
  });
});
