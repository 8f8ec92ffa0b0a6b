// Conv2DBackpropFilter of any kh×kw filter (equal strides, any padding) on wasm with the SIMD
// xᵀ·dy tile kernel (wasm-simd.ts) and no transposes:
//
//   dW[i, j] (Ci×Co) = Σ_n Σ_p Σ_q xpad[n, p·s + i, q·s + j, :]ᵀ · dy[n, p, q, :]
//
// x is copied once into a zero-padded [N, Hp, Wp, Ci] and dy into [N, Ho, Wp, Co] (columns
// Wo..Wp-1 zero). Then, in one image, the x pixel of tap (i, j) for the dy pixel t = p·Wp + q
// sits at (i·Wp + j + s·t)·Ci: a uniform stride in t, so each tap is one run of
// `(Ho - 1)·Wp + Wo` rows per tile (the padding columns of dy contribute zeros; the x they meet
// is inside the padded image, so finite).

import type * as tf from '@tensorflow/tfjs';
import type { ConvGeometry } from './conv-geometry';
import { asWasmHeapBackend, heapMemory, wasmSimd } from './wasm-simd';

interface Disposer {
  disposeData(dataId: tf.DataId): unknown;
}

/**
 * The filter gradient `[kh, kw, Ci, Co]` of `x` and `dy` (geometry `g`) computed on the wasm
 * heap, or null where it does not apply (not the wasm backend, no SIMD, Ci % 4 ≠ 0, Co % 8 ≠ 0,
 * unequal strides, not float32).
 */
export function convFilterGradDirect(
  backend: unknown,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
  co: number,
): tf.TensorInfo | null {
  const { batch: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: ho, outWidth: wo } = g;
  const { filterHeight: kh, filterWidth: kw, strideHeight: s, padTop, padLeft } = g;
  if (ci % 4 !== 0 || co % 8 !== 0 || g.strideWidth !== s) return null;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const heap = asWasmHeapBackend(backend);
  const memory = heap == null ? null : heapMemory(heap);
  const simd = memory == null ? null : wasmSimd(memory);
  if (heap == null || simd == null) return null;
  const hp = (ho - 1) * s + kh;
  const wp = (wo - 1) * s + kw;
  // Allocate first: a malloc may grow the heap, which detaches earlier views of it.
  const out = heap.makeOutput([kh, kw, ci, co], 'float32');
  const xpInfo = heap.makeOutput([n * hp * wp * ci], 'float32');
  const dypInfo = heap.makeOutput([n * ho * wp * co], 'float32');
  try {
    const outs = heap.typedArrayFromHeap(out) as Float32Array;
    const xs = heap.typedArrayFromHeap(x) as Float32Array;
    const dys = heap.typedArrayFromHeap(dy) as Float32Array;
    const xp = heap.typedArrayFromHeap(xpInfo) as Float32Array;
    const dyp = heap.typedArrayFromHeap(dypInfo) as Float32Array;
    outs.fill(0);
    xp.fill(0);
    dyp.fill(0);
    // rows of x that land inside the padded image, at column offset padLeft
    const c0 = Math.max(0, -padLeft);
    const c1 = Math.min(w, wp - padLeft);
    for (let b = 0; b < n; b++) {
      for (let r = Math.max(0, -padTop); r < Math.min(h, hp - padTop); r++) {
        if (c1 <= c0) break;
        const from = ((b * h + r) * w + c0) * ci;
        xp.set(xs.subarray(from, from + (c1 - c0) * ci), ((b * hp + r + padTop) * wp + c0 + padLeft) * ci);
      }
      for (let p = 0; p < ho; p++) {
        const from = (b * ho + p) * wo * co;
        dyp.set(dys.subarray(from, from + wo * co), (b * ho + p) * wp * co);
      }
    }
    const count = (ho - 1) * wp + wo;
    const { xtdy } = simd;
    for (let b = 0; b < n; b++) {
      const xImage = xp.byteOffset + b * hp * wp * ci * 4;
      const dyImage = dyp.byteOffset + b * ho * wp * co * 4;
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++) {
          const tap = outs.byteOffset + (i * kw + j) * ci * co * 4;
          const xTap = xImage + (i * wp + j) * ci * 4;
          for (let c = 0; c < ci; c += 4)
            for (let o = 0; o < co; o += 8)
              xtdy(tap + (c * co + o) * 4, xTap + c * 4, dyImage + o * 4, count, s * ci * 4, co * 4, co * 4);
        }
    }
  } finally {
    const disposer = backend as Disposer;
    disposer.disposeData(xpInfo.dataId);
    disposer.disposeData(dypInfo.dataId);
  }
  return out;
}
