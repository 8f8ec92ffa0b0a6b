// Sum and Mean over every axis but the last (per-channel reductions of NHWC activations:
// BatchNorm's moments and gradients, bias gradients) as one [1, rows] · [rows, C] matmul.
// tfjs 4.22's wasm transposes the activation to make the reduced axes innermost first: 9.8 ms
// for 64×28×28×32 where the matmul takes 0.8 ms. Other reductions go to wasm's own kernels.

import * as tf from '@tensorflow/tfjs';
import { runComposite } from './composite';
import { nativeKernel, overrideKernel } from './override';

/** The channel count if `axis` names exactly the leading axes of a float32 tensor of rank ≥ 2. */
function leadingAxesChannels(x: tf.TensorInfo, axis: number | number[]): number | null {
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank < 2) return null;
  const axes = tf.util.parseAxisParam(axis, x.shape);
  if (axes.length !== rank - 1) return null;
  const sorted = [...axes].sort((a, b) => a - b);
  if (!sorted.every((a, i) => a === i)) return null;
  return x.shape[rank - 1] as number;
}

function reduceKernel(kernelName: typeof tf.Sum | typeof tf.Mean): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = (args.inputs as tf.SumInputs).x;
      const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
      const channels = x == null ? null : leadingAxesChannels(x, axis);
      if (x == null || channels == null) {
        const native = nativeKernel(kernelName, 'wasm');
        if (native == null)
          throw new Error(`@randwire/tfjs/kernels/${kernelName}: wasm's own kernel is missing`);
        return native(args);
      }
      const rows = tf.util.sizeFromShape(x.shape) / channels;
      const outShape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
      return runComposite(args.backend, [x], ([t]) => {
        const ones = tf.fill([1, rows], kernelName === tf.Mean ? 1 / rows : 1);
        return tf.reshape(tf.matMul(ones, tf.reshape(t as tf.Tensor, [rows, channels])), outShape);
      });
    },
  };
}

export const sumWasm: tf.KernelConfig = reduceKernel(tf.Sum);
export const meanWasm: tf.KernelConfig = reduceKernel(tf.Mean);

/** Installs the matmul Sum and Mean for leading-axes reductions on wasm (idempotent). */
export function overrideWasmReductions(): string[] {
  const changed: string[] = [];
  if (overrideKernel(sumWasm)) changed.push(tf.Sum);
  if (overrideKernel(meanWasm)) changed.push(tf.Mean);
  return changed;
}
