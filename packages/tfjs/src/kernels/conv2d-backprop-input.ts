// A faster Conv2DBackpropInput for wasm. tfjs 4.22's wasm has one, but it is a direct loop
// (247 ms for the 1×1 input gradient of 64×28×28×32 where a matmul takes a few ms), so we
// replace it:
//   - 1×1, stride 1, unpadded (every pointwise conv): dx = dy · Wᵀ, one BatchMatMul with the
//     small filter transposed explicitly (wasm's matmul is only fast without transpose flags);
//   - otherwise: dx = conv2d(zero-dilated, padded dy, W rotated 180° with in/out swapped),
//     which runs in XNNPACK's convolution.

import * as tf from '@tensorflow/tfjs';
import { KernelError } from '../errors';
import { runComposite } from './composite';
import { type ConvPad, convGeometry } from './conv-geometry';
import { zeroDilate } from './depthwise-backprop-input';
import { nativeKernel, overrideKernel } from './override';
import { padCrop } from './pad-crop';

const KERNEL = 'Conv2DBackpropInput';

export function conv2dBackpropInput(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number] | number,
  pad: ConvPad,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const g = convGeometry(KERNEL, inputShape, filter.shape, strides, 1, pad, dimRoundingMode, false);
  const [kh, kw, ci, co] = filter.shape;
  const [n, h, w] = inputShape;
  return tf.tidy(() => {
    if (
      kh === 1 &&
      kw === 1 &&
      g.strideHeight === 1 &&
      g.strideWidth === 1 &&
      g.padTop === 0 &&
      g.padLeft === 0
    ) {
      const rows = n * g.outHeight * g.outWidth;
      const wt = tf.transpose(tf.reshape(filter, [ci, co]));
      const dx = tf.reshape(tf.matMul(tf.reshape(dy, [rows, co]), wt), [
        n,
        g.outHeight,
        g.outWidth,
        ci,
      ]) as tf.Tensor4D;
      // 'valid' may drop trailing rows/columns of x: their gradient is 0.
      return g.outHeight === h && g.outWidth === w ? dx : padCrop(dx, 0, h, 0, w);
    }
    const dyd = zeroDilate(dy, g.strideHeight, g.strideWidth);
    const dyp = padCrop(dyd, kh - 1 - g.padTop, h + kh - 1, kw - 1 - g.padLeft, w + kw - 1);
    const rot = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(dyp, rot, 1, 'valid');
  });
}

export const conv2dBackpropInputWasm: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as tf.Conv2DBackpropInputInputs;
    const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    if (a.dataFormat != null && a.dataFormat !== 'NHWC') {
      const nativeConv2dBackpropInput = nativeKernel(tf.Conv2DBackpropInput, 'wasm');
      if (nativeConv2dBackpropInput == null) {
        throw new KernelError(
          `@randwire/tfjs/kernels/${KERNEL}: unsupported dataFormat (${a.dataFormat}): only NHWC`,
        );
      }
      return nativeConv2dBackpropInput(args);
    }
    if (dy == null || filter == null) {
      throw new KernelError(`@randwire/tfjs/kernels/${KERNEL}: missing input dy or filter`);
    }
    return runComposite(backend, [dy, filter], ([dyt, ft]) =>
      conv2dBackpropInput(
        a.inputShape,
        dyt as tf.Tensor4D,
        ft as tf.Tensor4D,
        a.strides,
        a.pad,
        a.dimRoundingMode,
      ),
    );
  },
};

/** Replaces wasm's own Conv2DBackpropInput with ours (idempotent). True if it changed anything. */
export function overrideWasmConv2dBackpropInput(): boolean {
  return overrideKernel(conv2dBackpropInputWasm);
}
