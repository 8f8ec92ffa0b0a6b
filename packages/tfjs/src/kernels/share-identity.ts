// Identity and same-dtype Cast without a copy on wasm. tfjs 4.22's wasm copies the data for
// both, and training calls them thousands of times per step (AddN's and Cast's gradients
// clone dy once per input; a RandWire step of configuration A made 2,108 Identity calls,
// 134 of them full activations). Tensors are immutable, so sharing the data with a reference
// count is what the cpu backend does too.

import * as tf from '@tensorflow/tfjs';
import { nativeKernel, overrideKernel } from './override';

function share(backend: unknown, x: tf.TensorInfo): tf.TensorInfo {
  (backend as tf.KernelBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityWasm: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as tf.IdentityInputs).x;
    if (x == null || x.dtype === 'string') return callNative(tf.Identity, args);
    return share(args.backend, x);
  },
};

export const castWasm: tf.KernelConfig = {
  kernelName: tf.Cast,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const x = (args.inputs as tf.CastInputs).x;
    const { dtype } = args.attrs as unknown as tf.CastAttrs;
    if (x == null || x.dtype !== dtype || x.dtype === 'string') return callNative(tf.Cast, args);
    return share(args.backend, x);
  },
};

function callNative(kernelName: string, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  const native = nativeKernel(kernelName, 'wasm');
  if (native == null) throw new Error(`@randwire/tfjs/kernels/${kernelName}: wasm's own kernel is missing`);
  return native(args);
}

/** Installs the copy-free Identity and Cast for wasm (idempotent). Names what it changed. */
export function overrideWasmIdentity(): string[] {
  const changed: string[] = [];
  if (overrideKernel(identityWasm)) changed.push(tf.Identity);
  if (overrideKernel(castWasm)) changed.push(tf.Cast);
  return changed;
}
