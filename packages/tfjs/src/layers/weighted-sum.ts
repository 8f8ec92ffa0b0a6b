// The aggregation of a random-stage node with more than one input (randwire.md section 4):
// y = sum_i sigmoid(logits_i) * x_i, one trainable scalar per in-edge, in the order of the
// spec node's `inputs`, initialized to 0 (weight 0.5). During training, with a TrainingNoise
// attached and a drop-edge rate p, one uniformly chosen input is left out of the sum with
// probability p per step (the surviving weights are used as they are, not renormalized).
import * as tf from '@tensorflow/tfjs';
import { ModelBuildError } from '../model-errors';
import type { TrainingNoise } from './training-noise';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
// biome-ignore lint/suspicious/noExplicitAny: tfjs-layers' own kwargs type
type Kwargs = { [key: string]: any };

export const WEIGHTED_SUM_CLASS_NAME = 'RandwireWeightedSum';

export class WeightedSum extends tf.layers.Layer {
  static className = WEIGHTED_SUM_CLASS_NAME;
  /** Shared per-step randomness (drop-edge); not serialized: attach after loading. */
  noise: TrainingNoise | null = null;
  private logits: tf.LayerVariable | null = null;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shapes = inputShape as tf.Shape[];
    if (!Array.isArray(shapes[0]) || shapes.length < 2) {
      throw new ModelBuildError(
        `@randwire/tfjs/weighted-sum: layer ${this.name} needs 2 or more inputs (got ${Array.isArray(shapes[0]) ? shapes.length : 1})`,
      );
    }
    const first = JSON.stringify(shapes[0]);
    for (const s of shapes) {
      if (JSON.stringify(s) !== first) {
        throw new ModelBuildError(
          `@randwire/tfjs/weighted-sum: layer ${this.name} inputs must have equal shapes (got ${shapes.map((x) => JSON.stringify(x)).join(', ')})`,
        );
      }
    }
    this.logits = this.addWeight(
      'logits',
      [shapes.length],
      'float32',
      tf.initializers.zeros(),
      undefined,
      true,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return (inputShape as tf.Shape[])[0] as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const xs = inputs as tf.Tensor[];
      if (this.logits == null)
        throw new ModelBuildError(`@randwire/tfjs/weighted-sum: layer ${this.name} called before build`);
      const w = tf.sigmoid(this.logits.read());
      const dropped =
        kwargs.training === true && this.noise != null ? this.noise.droppedInput(this.name, xs.length) : -1;
      const terms: tf.Tensor[] = [];
      for (let i = 0; i < xs.length; i++) {
        if (i === dropped) continue;
        terms.push(tf.mul(xs[i] as tf.Tensor, tf.slice(w, [i], [1]).reshape([])));
      }
      return terms.length === 1 ? (terms[0] as tf.Tensor) : tf.addN(terms);
    });
  }

  /** Current aggregation weights sigmoid(logits), in input order ([] before build). */
  aggregationWeights(): number[] {
    if (this.logits == null) return [];
    const w = tf.sigmoid(this.logits.read());
    const out = Array.from(w.dataSync());
    w.dispose();
    return out;
  }
}
