// Class predictions for uint8 images through onnxruntime, normalizing as the model's
// metadata says (for `randwire predict model.onnx image(s)`).
import { OUTPUT_NAMES } from '@randwire/spec';
import { OnnxRuntimeError } from './errors';
import { normalizeUint8ToNchw } from './layout';
import { readOnnxMetadata } from './metadata';
import { OnnxSession, type RunOnnxOptions } from './run-onnx';

/** uint8 NHWC images (the shape of @randwire/datasets' ImageDataset). */
export interface Uint8Images {
  images: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

export interface PredictOnnxOptions extends RunOnnxOptions {
  /** Classes listed per image, best first. */
  topK?: number;
}

export const PREDICT_DEFAULTS = Object.freeze({ topK: 5 });

export interface OnnxPrediction {
  /** The predicted class (argmax). */
  label: number;
  top: Array<{ label: number; prob: number }>;
  logits: number[];
}

function softmaxRow(row: Float32Array): number[] {
  const max = row.reduce((a, b) => Math.max(a, b), -Infinity); // not Math.max(...row): 1M classes overflow the stack
  const e = Array.from(row, (v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export async function predictOnnx(
  model: Uint8Array | string,
  images: Uint8Images,
  options: PredictOnnxOptions = {},
): Promise<{ spec: string; predictions: OnnxPrediction[] }> {
  const info = readOnnxMetadata(model);
  const { height, width, channels } = info.spec.input;
  if (images.height !== height || images.width !== width || images.channels !== channels) {
    throw new OnnxRuntimeError(
      `@randwire/onnx/predict-onnx: images are ${images.height}x${images.width}x${images.channels}, model '${info.spec.name}' expects ${height}x${width}x${channels}`,
    );
  }
  const classes = info.spec.head.classes;
  const topK = Math.min(options.topK ?? PREDICT_DEFAULTS.topK, classes);
  const data = normalizeUint8ToNchw(
    images.images,
    [images.count, height, width, channels],
    info.normalization,
  );
  const session = await OnnxSession.create(model, options);
  try {
    const out = await session.run({ data, shape: [images.count, channels, height, width] });
    const logits = out[OUTPUT_NAMES.logits]!.data;
    const predictions: OnnxPrediction[] = [];
    for (let i = 0; i < images.count; i++) {
      const row = logits.subarray(i * classes, (i + 1) * classes);
      const probs = softmaxRow(row);
      const order = probs.map((p, label) => ({ label, prob: p })).sort((a, b) => b.prob - a.prob);
      predictions.push({ label: order[0]!.label, top: order.slice(0, topK), logits: Array.from(row) });
    }
    return { spec: info.spec.name, predictions };
  } finally {
    await session.release();
  }
}
