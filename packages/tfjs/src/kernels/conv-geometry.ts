// Geometry of a 2-D NHWC convolution as TensorFlow defines it ('same' puts the extra pad at the
// end), resolved once by tfjs' own computeConv2DInfo so the gradients agree with the forward op.

import * as tf from '@tensorflow/tfjs';
import { KernelError } from '../errors';

export type ConvPad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

export function convGeometry(
  kernel: string,
  inShape: readonly number[],
  filterShape: readonly number[],
  strides: [number, number] | number,
  dilations: [number, number] | number | undefined,
  pad: ConvPad,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  depthwise: boolean,
): ConvGeometry {
  const d = dilations ?? 1;
  const [dh, dw] = typeof d === 'number' ? [d, d] : d;
  if (dh !== 1 || dw !== 1) {
    throw new KernelError(
      `@randwire/tfjs/kernels/${kernel}: unsupported dilations (${dh},${dw}): only 1 is supported in gradients`,
    );
  }
  if (inShape.length !== 4 || filterShape.length !== 4) {
    throw new KernelError(
      `@randwire/tfjs/kernels/${kernel}: input shape [${inShape}] and filter shape [${filterShape}] must both be rank 4 (NHWC, HWIO)`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
