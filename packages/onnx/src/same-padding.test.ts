import { OnnxError } from './errors';
import { onnxSamePads, sameOutputSize, samePadding } from './same-padding';

describe('TF same padding', () => {
  it('puts the extra pad at the end when the total is odd (even input, stride 2)', () => {
    expect(samePadding(8, 3, 2)).toEqual([0, 1]);
    expect(samePadding(32, 3, 2)).toEqual([0, 1]);
    expect(samePadding(4, 1, 2)).toEqual([0, 0]);
  });

  it('pads symmetrically when the total is even (odd input, stride 2; stride 1)', () => {
    expect(samePadding(9, 3, 2)).toEqual([1, 1]);
    expect(samePadding(7, 3, 1)).toEqual([1, 1]);
    expect(samePadding(1, 3, 2)).toEqual([1, 1]);
  });

  it('gives ceil(in / stride) outputs for every size', () => {
    for (let n = 1; n <= 12; n++) {
      for (const s of [1, 2]) {
        const [b, e] = samePadding(n, 3, s);
        expect(Math.floor((n + b + e - 3) / s) + 1).toBe(sameOutputSize(n, s));
        expect(e - b === 0 || e - b === 1).toBe(true);
      }
    }
  });

  it('orders ONNX pads as [top, left, bottom, right]', () => {
    expect(onnxSamePads(8, 9, 3, 2)).toEqual([0, 1, 1, 1]);
  });

  it('rejects bad sizes', () => {
    expect(() => samePadding(0, 3, 2)).toThrow(OnnxError);
    expect(() => samePadding(4.5, 3, 1)).toThrow(/invalid size 4.5/);
  });
});
