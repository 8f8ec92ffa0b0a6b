// Sum and Mean over every axis but the last (per-channel reductions of NHWC activations:
// BatchNorm's moments and gradients, bias gradients) as one XNNPACK average pooling over
// the whole [1, A, B, C] view of the tensor. tfjs 4.22's wasm transposes the activation to
// make the reduced axes innermost first: 3.1 ms for a fresh 64×14×14×32 (18.8 ms for
// 64×16×16×78) where the pooling takes 0.4 ms (0.9 ms). A [1, rows]·[rows, C] matmul is as
// fast only when the activation is reused: XNNPACK repacks a new right-hand operand on every
// call (2.7 ms here). Other reductions go to wasm's own kernels.

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
      const inner = x.shape.length > 2 ? (x.shape[x.shape.length - 2] as number) : 1;
      const outer = rows / inner;
      const outShape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
      return runComposite(args.backend, [x], ([t]) => {
        const view = tf.reshape(t as tf.Tensor, [1, outer, inner, channels]) as tf.Tensor4D;
        const mean = tf.reshape(tf.avgPool(view, [outer, inner], 1, 'valid'), outShape);
        return kernelName === tf.Mean ? mean : tf.mul(mean, tf.scalar(rows));
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
