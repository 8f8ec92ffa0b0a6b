// Evaluation of a classifier: accuracy, mean cross-entropy, per-class accuracy and the
// confusion matrix (rows = true class, columns = predicted class).
import type { ImageDataset } from '@randwire/datasets';
import type { NetworkSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { TrainOptionsError } from './errors';
import { normalizeImages } from './normalize';

export interface ClassMetrics {
  class: number;
  name: string;
  /** Examples of this class. */
  count: number;
  /** Of those, predicted correctly. */
  correct: number;
  /** correct / count (null when the class has no example). */
  accuracy: number | null;
}

export interface ClassificationMetrics {
  count: number;
  /** Fraction predicted correctly (null when there is no example). */
  accuracy: number | null;
  perClass: ClassMetrics[];
  /** confusion[trueClass][predictedClass] = count. */
  confusion: number[][];
}

export interface EvaluationResult extends ClassificationMetrics {
  /** Mean softmax cross-entropy of the logits (no label smoothing). */
  loss: number;
}

export interface EvaluateOptions {
  batchSize: number;
}

export const EVALUATE_DEFAULTS: Readonly<EvaluateOptions> = Object.freeze({ batchSize: 256 });

/** Metrics from true labels and predicted classes (pure; used by `evaluate`). */
export function classificationMetrics(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  classes: number,
  classNames?: readonly string[],
): ClassificationMetrics {
  if (labels.length !== predictions.length) {
    throw new TrainOptionsError(
      `@randwire/tfjs/evaluate: ${labels.length} labels but ${predictions.length} predictions: must be equal`,
    );
  }
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predictions[i]!;
    if (!(t >= 0 && t < classes && p >= 0 && p < classes)) {
      throw new TrainOptionsError(
        `@randwire/tfjs/evaluate: class out of range at index ${i} (label ${t}, prediction ${p}): must be in [0, ${classes})`,
      );
    }
    confusion[t]![p]!++;
  }
  let correct = 0;
  const perClass = confusion.map((row, c) => {
    const count = row.reduce((a, b) => a + b, 0);
    const ok = row[c]!;
    correct += ok;
    return {
      class: c,
      name: classNames?.[c] ?? String(c),
      count,
      correct: ok,
      accuracy: count > 0 ? ok / count : null,
    };
  });
  return {
    count: labels.length,
    accuracy: labels.length > 0 ? correct / labels.length : null,
    perClass,
    confusion,
  };
}

/** Runs `model` (inference mode: batch norm uses its moving statistics) over `dataset`. */
export function evaluate(
  model: tf.LayersModel,
  spec: NetworkSpec,
  dataset: ImageDataset,
  options: Partial<EvaluateOptions> = {},
): EvaluationResult {
  const batchSize = options.batchSize ?? EVALUATE_DEFAULTS.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TrainOptionsError(
      `@randwire/tfjs/evaluate: invalid batchSize (${batchSize}): must be an integer >= 1`,
    );
  }
  const predictions = new Int32Array(dataset.count);
  let lossSum = 0;
  const size = dataset.height * dataset.width * dataset.channels;
  for (let start = 0; start < dataset.count; start += batchSize) {
    const n = Math.min(batchSize, dataset.count - start);
    const images = dataset.images.subarray(start * size, (start + n) * size);
    const labels = dataset.labels.subarray(start, start + n);
    const [pred, loss] = tf.tidy(() => {
      const x = normalizeImages(spec, images, n);
      const out = model.predict(x);
      const logits = (Array.isArray(out) ? out[0] : out) as tf.Tensor2D;
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), spec.classes);
      const ce = tf.losses.softmaxCrossEntropy(y, logits, undefined, 0, tf.Reduction.SUM);
      return [tf.argMax(logits, 1), ce];
    });
    predictions.set(pred.dataSync() as Int32Array, start);
    lossSum += (loss.dataSync() as Float32Array)[0]!;
    pred.dispose();
    loss.dispose();
  }
  const metrics = classificationMetrics(dataset.labels, predictions, spec.classes, dataset.classNames);
  return { ...metrics, loss: dataset.count > 0 ? lossSum / dataset.count : Number.NaN };
}

/** A text table of the confusion matrix with per-class accuracy (for the CLI). */
export function formatConfusion(m: ClassificationMetrics): string {
  const names = m.perClass.map((c) => c.name);
  const w = Math.max(5, ...m.confusion.flat().map((v) => String(v).length));
  const nameW = Math.max(11, ...names.map((n, i) => `${i} ${n}`.length));
  const header = `${'true \\ pred'.padEnd(nameW)} ${names.map((_, i) => String(i).padStart(w)).join(' ')}  ${'acc'.padStart(7)}`;
  const rows = m.confusion.map((row, i) => {
    const acc = m.perClass[i]!.accuracy;
    const accText = acc === null ? '-' : `${(acc * 100).toFixed(1)}%`;
    return `${`${i} ${names[i]}`.padEnd(nameW)} ${row.map((v) => String(v).padStart(w)).join(' ')}  ${accText.padStart(7)}`;
  });
  return [header, ...rows].join('\n');
}
