// Evaluation on onnxruntime (`randwire eval`, and the per-epoch evaluation of `randwire train`
// on the onnxruntime engine): the weights (tfjs layouts, spec names) are exported to ONNX in
// memory by @randwire/onnx, with channels zero-padded to 16 and 'conv-add' aggregation (same
// outputs, onnxruntime's blocked kernels), and run by its OnnxSession; batch norm uses the
// moving statistics (inference). The result has the fields of @randwire/tfjs's `evaluate`
// (accuracy, loss, per-class accuracy, confusion matrix), equal to it within the export's
// tolerance.
import type { ImageDataset } from '@randwire/datasets';
import type { ExportOptions, WeightMap } from '@randwire/onnx';
import type { NetworkSpec } from '@randwire/spec';
import type { EvaluateOptions, EvaluationResult, NamedArray, TrainEvaluator } from '@randwire/tfjs';
import { loadOnnx, loadSpec, loadTfjs } from './lazy-packages';

/** How the weights are exported for evaluation (the fastest export with the same logits). */
export const EVAL_EXPORT: Readonly<ExportOptions> = Object.freeze({
  padChannels: 16,
  aggregation: 'conv-add',
  noSoftmax: true,
});

export interface OnnxEvaluateOptions extends EvaluateOptions {
  /** onnxruntime intra-op threads (0 or absent: onnxruntime's choice, one per core). */
  threads?: number;
}

/** Named arrays (as tfjs models and checkpoints hold weights) as an exporter WeightMap. */
export function weightMap(weights: readonly NamedArray[]): WeightMap {
  return new Map(weights.map((w) => [w.name, { shape: w.shape, data: w.values }]));
}

/** Evaluates `weights` on `dataset` in onnxruntime (see the file comment). */
export async function evaluateOnnx(
  spec: NetworkSpec,
  weights: WeightMap,
  dataset: ImageDataset,
  options: OnnxEvaluateOptions,
): Promise<EvaluationResult> {
  const { exportOnnx, normalizeUint8ToNchw, OnnxSession } = loadOnnx();
  const { classificationMetrics } = loadTfjs();
  const { logits: logitsName } = loadSpec().OUTPUT_NAMES;
  const { batchSize } = options;
  const session = await OnnxSession.create(exportOnnx(spec, weights, EVAL_EXPORT), {
    batch: batchSize,
    threads: options.threads ?? 0,
  });
  const { height, width, channels } = dataset;
  const classes = spec.classes;
  const predictions = new Int32Array(dataset.count);
  let lossSum = 0;
  try {
    for (let start = 0; start < dataset.count; start += batchSize) {
      const n = Math.min(batchSize, dataset.count - start);
      const per = height * width * channels;
      const images = dataset.images.subarray(start * per, (start + n) * per);
      const data = normalizeUint8ToNchw(images, [n, height, width, channels], spec.input);
      const out = await session.run({ data, shape: [n, channels, height, width] }, [logitsName]);
      const logits = out[logitsName]!.data;
      for (let i = 0; i < n; i++) {
        // argmax (first maximum) and softmax cross-entropy of the true class, in float64.
        let best = 0;
        for (let k = 1; k < classes; k++)
          if (logits[i * classes + k]! > logits[i * classes + best]!) best = k;
        const max = logits[i * classes + best]!;
        let sum = 0;
        for (let k = 0; k < classes; k++) sum += Math.exp(logits[i * classes + k]! - max);
        lossSum += max + Math.log(sum) - logits[i * classes + dataset.labels[start + i]!]!;
        predictions[start + i] = best;
      }
    }
  } finally {
    await session.release();
  }
  const metrics = classificationMetrics(dataset.labels, predictions, classes, dataset.classNames);
  return { ...metrics, loss: dataset.count > 0 ? lossSum / dataset.count : Number.NaN };
}

/** `train()`'s per-epoch evaluation on onnxruntime (the model's current weights). */
export function onnxruntimeEvaluator(threads?: number): TrainEvaluator {
  return {
    name: 'onnxruntime',
    evaluate: (model, spec, dataset, options) =>
      evaluateOnnx(spec, weightMap(loadTfjs().modelWeights(model, spec)), dataset, {
        ...options,
        ...(threads !== undefined ? { threads } : {}),
      }),
  };
}
