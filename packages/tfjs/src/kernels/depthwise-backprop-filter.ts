// DepthwiseConv2dNativeBackpropFilter for backends that lack it (tfjs 4.22 wasm).
//
//   dW[i, j, c, m] = Σ_n Σ_p Σ_q xpad[n, p·s + i, q·s + j, c] · dy[n, p, q, c·M + m]
//
// is one depthwise convolution with the batch folded into the channels: the padded input as
// [1, Hp, Wp, N·C], dy as the filter [Ho, Wo, N·C, M], dilation = stride; its output
// [1, kh, kw, N·C·M] summed over N is the gradient. (Much faster on wasm than kh·kw shifted
// multiply-reduces: strided slices are slow there.)
//
// XNNPACK runs a depthwise conv with a filter that large 10–30× slower than the 3×3 forward
// conv of the same layer, so on wasm with multiplier 1 the kernel is a direct loop over the
// wasm heap instead (depthwise-filter-loop.ts) with a SIMD inner kernel (wasm-simd.ts):
// 111 → 5.6 ms at 64×28×28×32 stride 1, 9.7 → 1.1 ms at 64×14×14×32 (plain node, loaded
// machine). The composition stays for multiplier > 1 and where SIMD is unavailable.

import * as tf from '@tensorflow/tfjs';
import { KernelError } from '../errors';
import { runComposite } from './composite';
import { type ConvPad, convGeometry } from './conv-geometry';
import { depthwiseFilterGradLoop } from './depthwise-filter-loop';
import { padCrop } from './pad-crop';
import { asWasmHeapBackend, heapMemory, simdFilterRowKernel, wasmSimd } from './wasm-simd';

const KERNEL = 'DepthwiseConv2dNativeBackpropFilter';

export function depthwiseConv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number] | number,
  pad: ConvPad,
  dilations?: [number, number] | number,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const g = convGeometry(KERNEL, x.shape, filterShape, strides, dilations, pad, dimRoundingMode, true);
  const [kh, kw, c, m] = filterShape;
  return tf.tidy(() => {
    const n = g.batch;
    const needH = (g.outHeight - 1) * g.strideHeight + kh;
    const needW = (g.outWidth - 1) * g.strideWidth + kw;
    const xp = padCrop(x, g.padTop, needH, g.padLeft, needW);
    const xf = n === 1 ? xp : tf.reshape(tf.transpose(xp, [1, 2, 0, 3]), [1, needH, needW, n * c]);
    const dyt = n === 1 ? dy : tf.transpose(dy, [1, 2, 0, 3]);
    const f = tf.reshape(dyt, [g.outHeight, g.outWidth, n * c, m]) as tf.Tensor4D;
    const r = tf.depthwiseConv2d(xf as tf.Tensor4D, f, 1, 'valid', 'NHWC', [g.strideHeight, g.strideWidth]);
    const per = n === 1 ? r : tf.sum(tf.reshape(r, [kh, kw, n, c * m]), 2);
    return tf.reshape(per, filterShape);
  });
}

export const depthwiseConv2dBackpropFilterWasm: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as tf.DepthwiseConv2dNativeBackpropFilterInputs;
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    if (x == null || dy == null) {
      throw new KernelError(`@randwire/tfjs/kernels/${KERNEL}: missing input x or dy`);
    }
    // Measured rule (plain node, 2 cores): the direct loop with the SIMD kernel wins for
    // multiplier 1 at every size tried (4–30× at 64×{28,14,7}×…×32..128; on par for C = 3);
    // the JS loop alone for multiplier 2 loses to the composed kernel (31 vs 24 ms at 64×14×14×32).
    const heap = asWasmHeapBackend(backend);
    const memory = heap == null ? null : heapMemory(heap);
    const direct = memory != null && wasmSimd(memory) != null && a.filterShape[3] === 1;
    if (heap != null && memory != null && direct && x.dtype === 'float32' && dy.dtype === 'float32') {
      const g = convGeometry(
        KERNEL,
        x.shape,
        a.filterShape,
        a.strides,
        a.dilations,
        a.pad,
        a.dimRoundingMode,
        true,
      );
      // Allocate first: a malloc may grow the heap, which detaches earlier views of it.
      const out = heap.makeOutput([...a.filterShape], 'float32');
      const xs = heap.typedArrayFromHeap(x) as Float32Array;
      const dys = heap.typedArrayFromHeap(dy) as Float32Array;
      const outs = heap.typedArrayFromHeap(out) as Float32Array;
      const simd = simdFilterRowKernel(memory, outs, xs, dys);
      depthwiseFilterGradLoop(xs, dys, outs, g, a.filterShape[3], simd ?? undefined);
      return out;
    }
    return runComposite(backend, [x, dy], ([xt, dyt]) =>
      depthwiseConv2dBackpropFilter(
        xt as tf.Tensor4D,
        dyt as tf.Tensor4D,
        a.filterShape,
        a.strides,
        a.pad,
        a.dilations,
        a.dimRoundingMode,
      ),
    );
  },
};
