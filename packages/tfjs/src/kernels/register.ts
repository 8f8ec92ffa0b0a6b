// Explicit registration (no import side effects) of the gradient kernels tfjs 4.22's wasm
// backend lacks, so standard conv / depthwise / separable layers train there, plus faster
// replacements for hot paths of training (see WasmGradientKernelOptions).

import * as tf from '@tensorflow/tfjs';
import { registerBatchNormGradient } from './batch-norm-gradient';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter';
import { overrideWasmConv2dBackpropInput } from './conv2d-backprop-input';
import { depthwiseConv2dBackpropFilterWasm } from './depthwise-backprop-filter';
import { depthwiseConv2dBackpropInputWasm } from './depthwise-backprop-input';
import { overrideWasmReductions } from './reduce-leading-axes';
import { overrideWasmIdentity } from './share-identity';

/** The three kernels tfjs 4.22's wasm backend does not have. */
export const WASM_GRADIENT_KERNELS: readonly tf.KernelConfig[] = Object.freeze([
  conv2dBackpropFilterWasm,
  depthwiseConv2dBackpropFilterWasm,
  depthwiseConv2dBackpropInputWasm,
]);

export interface WasmGradientKernelOptions {
  /**
   * Also install the faster training paths on wasm: Conv2DBackpropInput as a matmul /
   * XNNPACK conv, copy-free Identity and same-dtype Cast, per-channel Sum and Mean as a
   * matmul, and a leaner FusedBatchNorm gradient (a global gradient: exact on every
   * backend). Default true.
   */
  fastPaths?: boolean;
}

export const WASM_GRADIENT_KERNEL_DEFAULTS: Readonly<Required<WasmGradientKernelOptions>> = Object.freeze({
  fastPaths: true,
});

/**
 * Registers the missing wasm gradient kernels (and, by default, the faster training paths).
 * Idempotent; a missing kernel that is already registered for wasm (by an earlier call or a
 * future tfjs) is left alone. Returns the names of the kernels and gradients it changed.
 */
export function registerWasmGradientKernels(options: WasmGradientKernelOptions = {}): string[] {
  const fastPaths = options.fastPaths ?? WASM_GRADIENT_KERNEL_DEFAULTS.fastPaths;
  const changed: string[] = [];
  for (const config of WASM_GRADIENT_KERNELS) {
    if (tf.getKernel(config.kernelName, config.backendName) == null) {
      tf.registerKernel(config);
      changed.push(config.kernelName);
    }
  }
  if (fastPaths) {
    if (overrideWasmConv2dBackpropInput()) changed.push(tf.Conv2DBackpropInput);
    if (registerBatchNormGradient()) changed.push(`${tf.FusedBatchNorm} gradient`);
    changed.push(...overrideWasmIdentity(), ...overrideWasmReductions());
  }
  return changed;
}
