import type { ConvGeometry } from './conv-geometry';
import { convGeometry } from './conv-geometry';
import { depthwiseFilterGradLoop, type FilterRowKernel, validRange } from './depthwise-filter-loop';
import { randomArray, relativeError, rng } from './test-utils/compare';
import { depthwiseLoopCases } from './test-utils/depthwise-loop-cases';

/** The formula with a bounds check on every term (an independent reference). */
function reference(x: Float32Array, dy: Float32Array, g: ConvGeometry, m: number): Float64Array {
  const { batch, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = g;
  const kh = g.filterHeight;
  const kw = g.filterWidth;
  const out = new Float64Array(kh * kw * c * m);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let ch = 0; ch < c; ch++)
        for (let t = 0; t < m; t++) {
          let s = 0;
          for (let n = 0; n < batch; n++)
            for (let p = 0; p < ho; p++)
              for (let q = 0; q < wo; q++) {
                const r = p * g.strideHeight + i - g.padTop;
                const col = q * g.strideWidth + j - g.padLeft;
                if (r < 0 || r >= h || col < 0 || col >= w) continue;
                s +=
                  (x[((n * h + r) * w + col) * c + ch] as number) *
                  (dy[((n * ho + p) * wo + q) * c * m + ch * m + t] as number);
              }
          out[((i * kw + j) * c + ch) * m + t] = s;
        }
  return out;
}

describe('depthwiseFilterGradLoop', () => {
  test.each(depthwiseLoopCases)(
    'x %j, filter %i×%i, multiplier %i, strides %j, pad %j matches the formula',
    (shape, kh, kw, m, s, pad) => {
      const r = rng(shape.reduce((a, b) => a * 31 + b, 0) * 97 + kh * 13 + kw * 5 + m);
      const g = convGeometry('test', shape, [kh, kw, shape[3], m], s, 1, pad, undefined, true);
      const x = randomArray(r, shape);
      const dy = randomArray(r, [g.batch, g.outHeight, g.outWidth, shape[3] * m]);
      const out = new Float32Array(kh * kw * shape[3] * m);
      depthwiseFilterGradLoop(x, dy, out, g, m);
      expect(relativeError(out, reference(x, dy, g, m))).toBeLessThan(1e-6);
    },
  );

  test('hands the blocks of 4 channels to a row kernel and sums its per-image results', () => {
    const r = rng(11);
    const shape: [number, number, number, number] = [3, 6, 5, 10];
    const g = convGeometry('test', shape, [3, 3, 10, 1], 1, 1, 'same', undefined, true);
    const x = randomArray(r, shape);
    const dy = randomArray(r, [3, 6, 5, 10]);
    const out = new Float32Array(90);
    const seen = new Set<number>();
    // A plain JS row kernel with the SIMD kernel's contract, writing into `out`.
    const rowKernel: FilterRowKernel = (a, xo, dyo, count, blocks, xStep, dyStep) => {
      seen.add(blocks);
      for (let k = 0; k < blocks * 4; k++) {
        let s = 0;
        for (let q = 0; q < count; q++)
          s += (x[xo + q * xStep + k] as number) * (dy[dyo + q * dyStep + k] as number);
        out[a + k] = (out[a + k] as number) + s;
      }
    };
    depthwiseFilterGradLoop(x, dy, out, g, 1, rowKernel);
    expect([...seen]).toEqual([2]);
    expect(relativeError(out, reference(x, dy, g, 1))).toBeLessThan(1e-6);
  });
});

describe('validRange', () => {
  test('keeps exactly the outputs whose input index is inside', () => {
    for (const [outSize, size, stride, tap, pad] of [
      [5, 5, 1, 0, 1],
      [3, 6, 2, 2, 0],
      [4, 7, 2, 0, 3],
      [2, 3, 1, 2, 5],
    ] as const) {
      const [lo, hi] = validRange(outSize, size, stride, tap, pad);
      for (let o = 0; o < outSize; o++) {
        const inside = o * stride + tap - pad >= 0 && o * stride + tap - pad < size;
        expect(o >= lo && o < hi).toBe(inside);
      }
    }
  });
});
