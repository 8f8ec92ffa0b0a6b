// The depthwise filter gradient as a direct loop over flat NHWC arrays:
//
//   dW[i, j, c, m] = Σ_n Σ_p Σ_q x[n, p·sh + i - pt, q·sw + j - pl, c] · dy[n, p, q, c·M + m]
//
// (rows/columns outside x are zeros). Only kh·kw·Ho·Wo·C·M multiply-adds per image, which
// XNNPACK's depthwise conv with dy as a huge filter does badly. Loop order: image, tap, output
// row, then (for a block of channels) the output columns of that row with the sums in
// registers; the valid output rows/columns of each tap are computed once (no bounds checks
// inside), sums are float64. `FilterRowKernel` lets a SIMD kernel take over the blocks of 4
// channels (multiplier 1); the JS loop does the rest.

import type { ConvGeometry } from './conv-geometry';

/** First and one-past-last output index `o` whose input index `o·stride + tap - pad` is in [0, size). */
export function validRange(
  outSize: number,
  size: number,
  stride: number,
  tap: number,
  pad: number,
): [number, number] {
  const off = tap - pad;
  const lo = off >= 0 ? 0 : Math.ceil(-off / stride);
  const hi = Math.min(outSize, Math.floor((size - 1 - off) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * The (tap, output row) pairs of a depthwise convolution with at least one valid output
 * column, in the loops' order (tap row i, tap column j, output row p), as quadruples: the tap's
 * offset `(i·kw + j)·C·M` into the filter, the offsets within one image of the first valid
 * input element `[p·sh + i - pt, qLo·sw + j - pl, 0]` and of the output element `[p, qLo, 0]`,
 * and the number of valid output columns. Both depthwise gradient loops walk it per image.
 */
export function depthwiseTapRows(g: ConvGeometry, multiplier: number): Int32Array {
  const { inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = g;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padTop, padLeft } = g;
  const cm = c * multiplier;
  const rows = new Int32Array(4 * kh * kw * ho);
  let r = 0;
  for (let i = 0; i < kh; i++) {
    const [pLo, pHi] = validRange(ho, h, sh, i, padTop);
    for (let j = 0; j < kw; j++) {
      const [qLo, qHi] = validRange(wo, w, sw, j, padLeft);
      const count = qHi - qLo;
      if (count <= 0) continue;
      for (let p = pLo; p < pHi; p++) {
        rows[r++] = (i * kw + j) * cm;
        rows[r++] = (p * sh + i - padTop) * w * c + (qLo * sw + j - padLeft) * c;
        rows[r++] = p * wo * cm + qLo * cm;
        rows[r++] = count;
      }
    }
  }
  return rows.subarray(0, r);
}

/**
 * Accumulates, for channels [0, 4·blocks), `acc[a + k] += Σ_{q < count} x[xo + q·xStep + k] ·
 * dy[dyo + q·dyStep + k]` (indices in floats into the arrays it was made for; count ≥ 1).
 */
export type FilterRowKernel = (
  a: number,
  xo: number,
  dyo: number,
  count: number,
  blocks: number,
  xStep: number,
  dyStep: number,
) => void;

/** Scalar sums of one output row of one tap for output channels [from, cm) into `acc`. */
function rowScalar(
  x: Float32Array,
  dy: Float32Array,
  acc: Float64Array,
  a0: number,
  xo: number,
  dyo: number,
  count: number,
  from: number,
  cm: number,
  m: number,
  xStep: number,
): void {
  let u = from;
  if (m === 1) {
    for (; u + 4 <= cm; u += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let xa = xo + u;
      let da = dyo + u;
      for (let q = 0; q < count; q++) {
        s0 += (x[xa] as number) * (dy[da] as number);
        s1 += (x[xa + 1] as number) * (dy[da + 1] as number);
        s2 += (x[xa + 2] as number) * (dy[da + 2] as number);
        s3 += (x[xa + 3] as number) * (dy[da + 3] as number);
        xa += xStep;
        da += cm;
      }
      acc[a0 + u] = (acc[a0 + u] as number) + s0;
      acc[a0 + u + 1] = (acc[a0 + u + 1] as number) + s1;
      acc[a0 + u + 2] = (acc[a0 + u + 2] as number) + s2;
      acc[a0 + u + 3] = (acc[a0 + u + 3] as number) + s3;
    }
  }
  for (; u < cm; u++) {
    let s = 0;
    let xa = xo + ((u / m) | 0);
    let da = dyo + u;
    for (let q = 0; q < count; q++) {
      s += (x[xa] as number) * (dy[da] as number);
      xa += xStep;
      da += cm;
    }
    acc[a0 + u] = (acc[a0 + u] as number) + s;
  }
}

/**
 * Writes the depthwise filter gradient `[kh, kw, C, M]` of `x` (`[N, H, W, C]`) and `dy`
 * (`[N, Ho, Wo, C·M]`) into `out` (flat, row-major). With `simd` (multiplier 1 only), the
 * blocks of 4 channels are summed by it into `out` itself, one image at a time (float32
 * sums over one image, float64 across images); `out` must then be the array `simd` reads.
 */
export function depthwiseFilterGradLoop(
  x: Float32Array,
  dy: Float32Array,
  out: Float32Array,
  g: ConvGeometry,
  multiplier: number,
  simd?: FilterRowKernel,
): void {
  const { batch, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = g;
  const m = multiplier;
  const cm = c * m;
  const size = g.filterHeight * g.filterWidth * cm;
  const acc = new Float64Array(size);
  const blocks = simd != null && m === 1 ? c >> 2 : 0;
  const xRow = w * c;
  const xStep = g.strideWidth * c;
  const dyRow = wo * cm;
  const rows = depthwiseTapRows(g, m);
  for (let n = 0; n < batch; n++) {
    const xImage = n * h * xRow;
    const dyImage = n * ho * dyRow;
    if (blocks > 0) out.fill(0, 0, size);
    for (let r = 0; r < rows.length; r += 4) {
      const a0 = rows[r] as number;
      const xo = xImage + (rows[r + 1] as number);
      const dyo = dyImage + (rows[r + 2] as number);
      const count = rows[r + 3] as number;
      if (blocks > 0) (simd as FilterRowKernel)(a0, xo, dyo, count, blocks, xStep, cm);
      if (blocks * 4 < cm) rowScalar(x, dy, acc, a0, xo, dyo, count, blocks * 4, cm, m, xStep);
    }
    if (blocks > 0) for (let k = 0; k < size; k++) acc[k] = (acc[k] as number) + (out[k] as number);
  }
  for (let k = 0; k < size; k++) out[k] = acc[k] as number;
}
