import type { ConvGeometry } from './conv-geometry';
import { convGeometry } from './conv-geometry';
import { depthwiseInputGradLoop, type InputRowKernel } from './depthwise-input-loop';
import { randomArray, relativeError, rng } from './test-utils/compare';
import { depthwiseLoopCases } from './test-utils/depthwise-loop-cases';

/** The formula in gather form with a bounds check on every term (an independent reference). */
function reference(dy: Float32Array, filter: Float32Array, g: ConvGeometry, m: number): Float64Array {
  const { batch, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = g;
  const kh = g.filterHeight;
  const kw = g.filterWidth;
  const out = new Float64Array(batch * h * w * c);
  for (let n = 0; n < batch; n++)
    for (let r = 0; r < h; r++)
      for (let col = 0; col < w; col++)
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const pp = r + g.padTop - i;
              const qq = col + g.padLeft - j;
              if (pp % g.strideHeight !== 0 || qq % g.strideWidth !== 0) continue;
              const p = pp / g.strideHeight;
              const q = qq / g.strideWidth;
              if (p < 0 || p >= ho || q < 0 || q >= wo) continue;
              for (let t = 0; t < m; t++)
                s +=
                  (filter[((i * kw + j) * c + ch) * m + t] as number) *
                  (dy[((n * ho + p) * wo + q) * c * m + ch * m + t] as number);
            }
          out[((n * h + r) * w + col) * c + ch] = s;
        }
  return out;
}

describe('depthwiseInputGradLoop', () => {
  test.each(depthwiseLoopCases)(
    'x %j, filter %i×%i, multiplier %i, strides %j, pad %j matches the formula',
    (shape, kh, kw, m, s, pad) => {
      const r = rng(shape.reduce((a, b) => a * 31 + b, 0) * 89 + kh * 13 + kw * 5 + m);
      const g = convGeometry('test', shape, [kh, kw, shape[3], m], s, 1, pad, undefined, true);
      const filter = randomArray(r, [kh, kw, shape[3], m]);
      const dy = randomArray(r, [g.batch, g.outHeight, g.outWidth, shape[3] * m]);
      // stale values in the output must not leak into the result
      const out = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(7);
      depthwiseInputGradLoop(dy, filter, out, g, m);
      expect(relativeError(out, reference(dy, filter, g, m))).toBeLessThan(1e-6);
    },
  );

  test('hands the blocks of 4 channels to a row kernel', () => {
    const r = rng(12);
    const shape: [number, number, number, number] = [2, 6, 5, 10];
    const g = convGeometry('test', shape, [3, 3, 10, 1], 2, 1, 'same', undefined, true);
    const filter = randomArray(r, [3, 3, 10, 1]);
    const dy = randomArray(r, [2, g.outHeight, g.outWidth, 10]);
    const out = new Float32Array(2 * 6 * 5 * 10);
    const seen = new Set<number>();
    const rowKernel: InputRowKernel = (xo, f, dyo, count, blocks, xStep, dyStep) => {
      seen.add(blocks);
      for (let q = 0; q < count; q++)
        for (let k = 0; k < blocks * 4; k++)
          out[xo + q * xStep + k] =
            (out[xo + q * xStep + k] as number) +
            (filter[f + k] as number) * (dy[dyo + q * dyStep + k] as number);
    };
    depthwiseInputGradLoop(dy, filter, out, g, 1, rowKernel);
    expect([...seen]).toEqual([2]);
    expect(relativeError(out, reference(dy, filter, g, 1))).toBeLessThan(1e-6);
  });
});
