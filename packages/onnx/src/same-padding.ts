// TensorFlow 'same' padding, written as ONNX explicit pads. TF pads a total of
// max((ceil(in / s) - 1)·s + k - in, 0) and puts the extra row/column at the END when the
// total is odd; symmetric pads would give the right shape and the wrong numbers.
import { OnnxError } from './errors';

/** Output size of a TF 'same' convolution or pooling: ceil(in / stride). */
export function sameOutputSize(inSize: number, stride: number): number {
  return Math.ceil(inSize / stride);
}

/** `[begin, end]` padding of one spatial axis, exactly as TensorFlow computes 'same'. */
export function samePadding(inSize: number, kernel: number, stride: number): [number, number] {
  if (!(Number.isInteger(inSize) && inSize >= 1 && Number.isInteger(kernel) && kernel >= 1 && stride >= 1)) {
    throw new OnnxError(
      `@randwire/onnx/same-padding: invalid size ${inSize}, kernel ${kernel} or stride ${stride}: must be positive integers`,
    );
  }
  const out = sameOutputSize(inSize, stride);
  const total = Math.max((out - 1) * stride + kernel - inSize, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** ONNX `pads` attribute for a 2-D op on an `h × w` input: `[top, left, bottom, right]`. */
export function onnxSamePads(h: number, w: number, kernel: number, stride: number): number[] {
  const [t, b] = samePadding(h, kernel, stride);
  const [l, r] = samePadding(w, kernel, stride);
  return [t, l, b, r];
}
