// Explicit registration (no import side effects) of the gradient kernels tfjs 4.22's wasm
// backend lacks, so standard conv / depthwise / separable layers train there.

import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter';
import { depthwiseConv2dBackpropFilterWasm } from './depthwise-backprop-filter';
import { depthwiseConv2dBackpropInputWasm } from './depthwise-backprop-input';

export const WASM_GRADIENT_KERNELS: readonly tf.KernelConfig[] = Object.freeze([
  conv2dBackpropFilterWasm,
  depthwiseConv2dBackpropFilterWasm,
  depthwiseConv2dBackpropInputWasm,
]);

/**
 * Registers the missing wasm gradient kernels. Idempotent; a kernel that is already
 * registered for wasm (by an earlier call or a future tfjs) is left alone. Returns the names
 * of the kernels it registered in this call.
 */
export function registerWasmGradientKernels(): string[] {
  const added: string[] = [];
  for (const config of WASM_GRADIENT_KERNELS) {
    if (tf.getKernel(config.kernelName, config.backendName) == null) {
      tf.registerKernel(config);
      added.push(config.kernelName);
    }
  }
  return added;
}
