// DepthwiseConv2dNativeBackpropInput for backends that lack it (tfjs 4.22 wasm).
//
//   dx[n, h, w, c] = Σ_m Σ_i Σ_j dyd[n, h + pt - i, w + pl - j, c·M + m] · W[i, j, c, m]
//
// where dyd is dy zero-dilated by the stride: a depthwise convolution (multiplier 1) of the
// dilated, padded dy with the filter rotated 180° and reshaped to [kh, kw, C·M, 1], then a
// sum over the multiplier M. On wasm with multiplier 1 and C % 4 = 0 the kernel is a direct
// SIMD loop over the wasm heap instead (depthwise-input-loop.ts, wasm-simd.ts).

import * as tf from '@tensorflow/tfjs';
import { KernelError } from '../errors';
import { runComposite } from './composite';
import { type ConvPad, convGeometry } from './conv-geometry';
import { depthwiseInputGradLoop } from './depthwise-input-loop';
import { padCrop } from './pad-crop';
import { asWasmHeapBackend, heapMemory, simdInputRowKernel, wasmSimd } from './wasm-simd';

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

/** Inserts `sh - 1` zero rows after every row and `sw - 1` zero columns after every column. */
export function zeroDilate(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  return tf.tidy(() => {
    const r = tf.reshape(dy, [n * h, 1, w, 1, c]);
    const p = tf.pad(r, [
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
    return tf.reshape(p, [n, h * sh, w * sw, c]);
  });
}

export function depthwiseConv2dBackpropInput(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number] | number,
  pad: ConvPad,
  dilations?: [number, number] | number,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const g = convGeometry(KERNEL, inputShape, filter.shape, strides, dilations, pad, dimRoundingMode, true);
  const [kh, kw, c, m] = filter.shape;
  const [n, h, w] = inputShape;
  return tf.tidy(() => {
    const dyd = zeroDilate(dy, g.strideHeight, g.strideWidth);
    const dyp = padCrop(dyd, kh - 1 - g.padTop, h + kh - 1, kw - 1 - g.padLeft, w + kw - 1);
    const rot = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D;
    const r = tf.depthwiseConv2d(dyp, rot, 1, 'valid');
    return m === 1 ? r : (tf.sum(tf.reshape(r, [n, h, w, c, m]), 4) as tf.Tensor4D);
  });
}

export const depthwiseConv2dBackpropInputWasm: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as tf.DepthwiseConv2dNativeBackpropInputInputs;
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    if (dy == null || filter == null) {
      throw new KernelError(`@randwire/tfjs/kernels/${KERNEL}: missing input dy or filter`);
    }
    const heap = asWasmHeapBackend(backend);
    const memory = heap == null ? null : heapMemory(heap);
    // Measured rule (plain node, 2 cores): the direct loop wins with the SIMD kernel on every
    // channel (multiplier 1, C % 4 = 0: 12.1 → 4.9 ms at 64×28×28×32 s1, 11.6 → 2.6 ms s2,
    // 2.1 → 1.0 ms at 64×14×14×32); channels left to the JS loop make it lose (3.1 vs 2.0 ms
    // for C = 30, 1.5 vs 0.65 ms for C = 3), and so does multiplier 2.
    const m = filter.shape[3] as number;
    const c = filter.shape[2] as number;
    const direct = memory != null && wasmSimd(memory) != null && m === 1 && c % 4 === 0;
    if (heap != null && memory != null && direct && dy.dtype === 'float32' && filter.dtype === 'float32') {
      const g = convGeometry(
        KERNEL,
        a.inputShape,
        filter.shape,
        a.strides,
        a.dilations,
        a.pad,
        a.dimRoundingMode,
        true,
      );
      // Allocate first: a malloc may grow the heap, which detaches earlier views of it.
      const out = heap.makeOutput([...a.inputShape], 'float32');
      const dys = heap.typedArrayFromHeap(dy) as Float32Array;
      const fs = heap.typedArrayFromHeap(filter) as Float32Array;
      const outs = heap.typedArrayFromHeap(out) as Float32Array;
      const simd = simdInputRowKernel(memory, outs, fs, dys);
      depthwiseInputGradLoop(dys, fs, outs, g, m, simd ?? undefined);
      return out;
    }
    return runComposite(backend, [dy, filter], ([dyt, ft]) =>
      depthwiseConv2dBackpropInput(
        a.inputShape,
        dyt as tf.Tensor4D,
        ft as tf.Tensor4D,
        a.strides,
        a.pad,
        a.dilations,
        a.dimRoundingMode,
      ),
    );
  },
};
