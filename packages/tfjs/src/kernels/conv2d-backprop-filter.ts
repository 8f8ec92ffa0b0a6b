// Conv2DBackpropFilter for backends that lack it (tfjs 4.22 wasm), composed from Conv2D,
// Transpose, Pad/Slice and BatchMatMul.
//
//   dW[i, j, ci, co] = Σ_n Σ_p Σ_q xpad[n, p·s + i, q·s + j, ci] · dy[n, p, q, co]
//
// which is one convolution with the batch as the contraction axis: the padded input as
// [Ci, Hp, Wp, N] convolved (dilation = stride) with dy as the filter [Ho, Wo, N, Co] gives
// [Ci, kh, kw, Co]. A 1×1 stride-1 unpadded filter is a plain matmul xᵀ·dy, written with an
// explicit transpose because wasm's BatchMatMul is only fast without transpose flags.
//
// On wasm with SIMD, Ci % 4 = 0 and Co % 8 = 0 the kernel skips the composition: the 1×1
// stride-1 case is xᵀ·dy straight from the heap, every other equal-stride case the padded
// direct loop of conv2d-filter-direct.ts. Measured in plain node (fresh operands, batch 64,
// loaded 2 cores): 3×3 28×28×16→32 52–61 → 20–31 ms, 3×3 stride 2 28×28×32→32 30–34 → 22–27
// ms, 3×3 14×14×32→32 18–20 → 12–14 ms, 1×1 stride 2 14×14×32→64 4.0–5.9 → 1.5–2.3 ms.

import * as tf from '@tensorflow/tfjs';
import { KernelError } from '../errors';
import { runComposite } from './composite';
import { type ConvPad, convGeometry } from './conv-geometry';
import { convFilterGradDirect } from './conv2d-filter-direct';
import { padCrop } from './pad-crop';
import { asWasmHeapBackend, heapMemory, simdXtDy, wasmSimd } from './wasm-simd';

const KERNEL = 'Conv2DBackpropFilter';

export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number] | number,
  pad: ConvPad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const g = convGeometry(KERNEL, x.shape, filterShape, strides, 1, pad, dimRoundingMode, false);
  const [kh, kw, ci, co] = filterShape;
  return tf.tidy(() => {
    const n = g.batch;
    if (
      kh === 1 &&
      kw === 1 &&
      g.strideHeight === 1 &&
      g.strideWidth === 1 &&
      g.padTop === 0 &&
      g.padLeft === 0
    ) {
      const rows = n * g.outHeight * g.outWidth;
      const xs = padCrop(x, 0, g.outHeight, 0, g.outWidth);
      const xt = tf.transpose(tf.reshape(xs, [rows, ci]));
      return tf.reshape(tf.matMul(xt, tf.reshape(dy, [rows, co])), filterShape);
    }
    const needH = (g.outHeight - 1) * g.strideHeight + kh;
    const needW = (g.outWidth - 1) * g.strideWidth + kw;
    const xp = padCrop(x, g.padTop, needH, g.padLeft, needW);
    const xt = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const r = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', [g.strideHeight, g.strideWidth]);
    return tf.transpose(r, [1, 2, 0, 3]);
  });
}

/**
 * A 1×1 stride-1 unpadded filter gradient xᵀ·dy straight from the wasm heap with the SIMD
 * tile kernel (wasm-simd.ts), when Ci % 4 = 0 and Co % 8 = 0; null where it does not apply.
 * Measured (plain node, loaded 2 cores, batch 64, fresh operands as in training — XNNPACK
 * caches the packed operand of a repeated matmul, which flatters the composition in a loop):
 * 3.9–4.2 → 1.2–1.4 ms at 14×14×32→32, 13.5–14.2 → 4.4–5.6 ms at 14×14×64→64, 2.4–3.4 →
 * 1.1 ms at 7×7×64→64, 2.4–2.8 → 1.5–2.1 ms at 4×4×128→128, 12.9 → 7.5 ms at 28×28×32→32.
 */
function conv1x1FilterGradWasm(
  backend: unknown,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  a: tf.Conv2DBackpropFilterAttrs,
): tf.TensorInfo | null {
  const [kh, kw, ci, co] = a.filterShape;
  if (kh !== 1 || kw !== 1 || ci % 4 !== 0 || co % 8 !== 0) return null;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const heap = asWasmHeapBackend(backend);
  const memory = heap == null ? null : heapMemory(heap);
  if (heap == null || memory == null || wasmSimd(memory) == null) return null;
  const g = convGeometry(KERNEL, x.shape, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false);
  const plain =
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outHeight === g.inHeight &&
    g.outWidth === g.inWidth;
  if (!plain) return null;
  const rows = g.batch * g.inHeight * g.inWidth;
  // Allocate first: a malloc may grow the heap, which detaches earlier views of it.
  const out = heap.makeOutput([...a.filterShape], 'float32');
  const outs = heap.typedArrayFromHeap(out) as Float32Array;
  const xs = heap.typedArrayFromHeap(x) as Float32Array;
  const dys = heap.typedArrayFromHeap(dy) as Float32Array;
  outs.fill(0);
  if (!simdXtDy(memory, xs, dys, outs, rows, ci, co)) {
    throw new KernelError(`@randwire/tfjs/kernels/${KERNEL}: the SIMD kernel refused views of the wasm heap`);
  }
  return out;
}

export const conv2dBackpropFilterWasm: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as tf.Conv2DBackpropFilterInputs;
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (x == null || dy == null) {
      throw new KernelError(`@randwire/tfjs/kernels/${KERNEL}: missing input x or dy`);
    }
    if (a.dataFormat != null && a.dataFormat !== 'NHWC') {
      throw new KernelError(
        `@randwire/tfjs/kernels/${KERNEL}: unsupported dataFormat (${a.dataFormat}): only NHWC`,
      );
    }
    const direct = conv1x1FilterGradWasm(backend, x, dy, a);
    if (direct != null) return direct;
    const g = convGeometry(KERNEL, x.shape, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false);
    const padded = convFilterGradDirect(backend, x, dy, g, a.filterShape[3]);
    if (padded != null) return padded;
    return runComposite(backend, [x, dy], ([xt, dyt]) =>
      conv2dBackpropFilter(
        xt as tf.Tensor4D,
        dyt as tf.Tensor4D,
        a.filterShape,
        a.strides,
        a.pad,
        a.dimRoundingMode,
      ),
    );
  },
};
