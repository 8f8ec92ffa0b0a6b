// The depthwise input gradient as a direct loop over flat NHWC arrays, in scatter form:
//
//   dx[n, p·sh + i - pt, q·sw + j - pl, c] += Σ_m W[i, j, c, m] · dy[n, p, q, c·M + m]
//
// for every tap (i, j) and dy pixel (p, q) that lands inside dx. Loop order: image, tap, dy
// row; the valid rows/columns of each tap are computed once (no bounds checks inside), the
// innermost loop runs over contiguous channels. Unlike the composed kernel it never builds
// the stride-dilated, padded dy. `InputRowKernel` lets a SIMD kernel take over the blocks of
// 4 channels (multiplier 1); the JS loop does the rest.

import type { ConvGeometry } from './conv-geometry';
import { depthwiseTapRows } from './depthwise-filter-loop';

/**
 * Accumulates, for channels [0, 4·blocks) and q < count (≥ 1), `dx[xo + q·xStep + k] +=
 * filter[f + k] · dy[dyo + q·dyStep + k]` (indices in floats into the arrays it was made for).
 */
export type InputRowKernel = (
  xo: number,
  f: number,
  dyo: number,
  count: number,
  blocks: number,
  xStep: number,
  dyStep: number,
) => void;

/**
 * Writes the depthwise input gradient `[N, H, W, C]` (geometry `g`) of `dy` (`[N, Ho, Wo,
 * C·M]`) and `filter` (`[kh, kw, C, M]`) into `out` (flat, row-major). With `simd`
 * (multiplier 1 only) the blocks of 4 channels are summed by it; `out` must then be the
 * array `simd` writes.
 */
export function depthwiseInputGradLoop(
  dy: Float32Array,
  filter: Float32Array,
  out: Float32Array,
  g: ConvGeometry,
  multiplier: number,
  simd?: InputRowKernel,
): void {
  const { batch, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = g;
  const m = multiplier;
  const cm = c * m;
  const blocks = simd != null && m === 1 ? c >> 2 : 0;
  const xRow = w * c;
  const xStep = g.strideWidth * c;
  const dyRow = wo * cm;
  const rows = depthwiseTapRows(g, m);
  out.fill(0, 0, batch * h * xRow);
  for (let n = 0; n < batch; n++) {
    const xImage = n * h * xRow;
    const dyImage = n * ho * dyRow;
    for (let r = 0; r < rows.length; r += 4) {
      const f0 = rows[r] as number;
      const xo = xImage + (rows[r + 1] as number);
      const dyo = dyImage + (rows[r + 2] as number);
      const count = rows[r + 3] as number;
      if (blocks > 0) (simd as InputRowKernel)(xo, f0, dyo, count, blocks, xStep, cm);
      for (let u = blocks * 4; u < c; u++) {
        let xa = xo + u;
        let da = dyo + u * m;
        const fu = f0 + u * m;
        for (let q = 0; q < count; q++) {
          let s = 0;
          for (let t = 0; t < m; t++) s += (filter[fu + t] as number) * (dy[da + t] as number);
          out[xa] = (out[xa] as number) + s;
          xa += xStep;
          da += cm;
        }
      }
    }
  }
}
