import { compareOutputs } from './compare-outputs';
import { VerifyError } from './errors';

describe('compareOutputs', () => {
  it('measures max abs, relative to the reference scale, and top-1 agreement per row', () => {
    const ref = Float32Array.from([1, 2, 3, -4, 0, 1]);
    const cand = Float32Array.from([1, 2.5, 3, -4, 0.1, 0]);
    const c = compareOutputs(ref, cand, { rowLength: 3, tolerance: 0.1 });
    expect(c.maxAbs).toBeCloseTo(1, 6);
    expect(c.maxRel).toBeCloseTo(0.25, 6);
    expect(c.rows).toBe(2);
    expect(c.top1Agreement).toBe(0.5);
    expect(c.pass).toBe(false);
    expect(compareOutputs(ref, ref).pass).toBe(true);
    expect(compareOutputs(ref, ref).maxRel).toBe(0);
  });

  it('fails on NaN and rejects mismatched lengths', () => {
    expect(compareOutputs([1, 2], [1, Number.NaN]).pass).toBe(false);
    expect(() => compareOutputs([1, 2], [1])).toThrow(VerifyError);
    expect(() => compareOutputs([1, 2, 3], [1, 2, 3], { rowLength: 2 })).toThrow(/rowLength/);
  });
});
