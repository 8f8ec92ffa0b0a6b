// Replacing a kernel a backend already has, or a (global) gradient of tfjs, keeping the
// original for the cases we pass on.

import * as tf from '@tensorflow/tfjs';

const natives = new Map<string, tf.KernelFunc>();

function key(kernelName: string, backendName: string): string {
  return `${backendName}/${kernelName}`;
}

/** Registers `config` in place of the backend's own kernel (idempotent). True if it changed anything. */
export function overrideKernel(config: tf.KernelConfig): boolean {
  const current = tf.getKernel(config.kernelName, config.backendName);
  if (current?.kernelFunc === config.kernelFunc) return false;
  if (current == null) {
    tf.registerKernel(config);
    return true;
  }
  natives.set(key(config.kernelName, config.backendName), current.kernelFunc);
  tf.unregisterKernel(config.kernelName, config.backendName);
  // Keep the native kernel's setup (wasm kernels bind their C function at backend start).
  const { setupFunc, disposeFunc } = current;
  tf.registerKernel({
    ...config,
    ...(setupFunc != null ? { setupFunc } : {}),
    ...(disposeFunc != null ? { disposeFunc } : {}),
  });
  return true;
}

/** The kernel `overrideKernel` replaced, if any. */
export function nativeKernel(kernelName: string, backendName: string): tf.KernelFunc | undefined {
  return natives.get(key(kernelName, backendName));
}

const originalGradients = new Map<string, tf.GradConfig>();

/** Registers `config` in place of tfjs' gradient of its kernel (idempotent). True if it changed anything. */
export function overrideGradient(config: tf.GradConfig): boolean {
  const current = tf.getGradient(config.kernelName);
  if (current === config) return false;
  if (current != null) originalGradients.set(config.kernelName, current);
  tf.registerGradient(config);
  return true;
}

/** The gradient `overrideGradient` replaced, if any. */
export function originalGradient(kernelName: string): tf.GradConfig | undefined {
  return originalGradients.get(kernelName);
}

/** Puts the gradient `overrideGradient` replaced back (for comparisons). */
export function restoreGradient(kernelName: string): void {
  const original = originalGradients.get(kernelName);
  if (original != null) tf.registerGradient(original);
}
