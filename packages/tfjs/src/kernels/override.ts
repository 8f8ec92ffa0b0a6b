// Replacing a kernel a backend already has, keeping the original for the cases we pass on.

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
