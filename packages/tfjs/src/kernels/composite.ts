// Composite kernels: a kernel whose body is a handful of tfjs ops running on the same backend.
// The kernel's inputs arrive as TensorInfo (not tracked Tensors); we view them as Tensors for
// the duration of the body (taking a reference so disposing the view does not free the input)
// and hand the result back as a TensorInfo that owns one reference of its own.

import * as tf from '@tensorflow/tfjs';

export function runComposite(
  kernelBackend: unknown,
  inputs: readonly tf.TensorInfo[],
  body: (views: tf.Tensor[]) => tf.Tensor,
): tf.TensorInfo {
  const engine = tf.engine();
  const backend = kernelBackend as tf.KernelBackend;
  const out = tf.tidy(() => {
    const views = inputs.map((info) => {
      backend.incRef(info.dataId);
      return engine.makeTensorFromTensorInfo(info, backend);
    });
    return body(views);
  });
  backend.incRef(out.dataId);
  const info: tf.TensorInfo = { dataId: out.dataId, shape: out.shape.slice(), dtype: out.dtype };
  out.dispose();
  return info;
}
