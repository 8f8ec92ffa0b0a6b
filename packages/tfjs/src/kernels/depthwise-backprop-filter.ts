// DepthwiseConv2dNativeBackpropFilter for backends that lack it (tfjs 4.22 wasm).
//
//   dW[i, j, c, m] = Σ_n Σ_p Σ_q xpad[n, p·s + i, q·s + j, c] · dy[n, p, q, c·M + m]
//
// is one depthwise convolution with the batch folded into the channels: the padded input as
// [1, Hp, Wp, N·C], dy as the filter [Ho, Wo, N·C, M], dilation = stride; its output
// [1, kh, kw, N·C·M] summed over N is the gradient. (Much faster on wasm than kh·kw shifted
// multiply-reduces: strided slices are slow there.)
//
// It is still the slowest kernel of a wasm training step: XNNPACK runs a depthwise conv with
// a filter that large 10–30× slower than the 3×3 forward conv of the same layer (e.g. 24 ms vs
// 0.9 ms at 64×14×14×32). Measured and not better on this machine: a direct JS loop over the
// wasm heap (scalar JS, 1–2× either way), a gather-built im2col with a batched matmul (10×
// slower: thousands of tiny matmuls), a one-hot 3×3 conv im2col (slower), shifted slices
// (wasm's Slice copies the whole tensor through JS). What would beat it: a SIMD wasm kernel
// (XNNPACK has none for this op in tfjs 4.22) or fewer, larger depthwise layers.

import * as tf from '@tensorflow/tfjs';
import { KernelError } from '../errors';
import { runComposite } from './composite';
import { type ConvPad, convGeometry } from './conv-geometry';
import { depthwiseFilterGradLoop } from './depthwise-filter-loop';
import { asWasmHeapBackend, heapMemory, simdFilterRowKernel } from './depthwise-simd';
import { padCrop } from './pad-crop';

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
    const heap = asWasmHeapBackend(backend);
    if (heap != null && x.dtype === 'float32' && dy.dtype === 'float32') {
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
      const memory = heapMemory(heap);
      const simd = memory == null ? null : simdFilterRowKernel(memory, outs, xs, dys);
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
