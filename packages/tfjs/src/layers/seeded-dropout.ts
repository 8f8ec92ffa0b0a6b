// Dropout whose mask is a pure function of (seed, step, layer name) through the model's
// TrainingNoise (TrainingNoise.dropoutMask, the mask tf.dropout would draw from that seed, so
// other engines can apply the very same one). tfjs's own Dropout either draws from
// Math.random (not reproducible) or, when given a seed, draws the SAME mask at every step;
// neither fits seeded, resumable training.
// Without a TrainingNoise attached it behaves like tfjs's unseeded dropout. Identity at
// inference and when rate is 0.
import * as tf from '@tensorflow/tfjs';
import { ModelBuildError } from '../model-errors';
import type { TrainingNoise } from './training-noise';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
// biome-ignore lint/suspicious/noExplicitAny: tfjs-layers' own kwargs type
type Kwargs = { [key: string]: any };

export interface SeededDropoutArgs extends LayerArgs {
  /** Fraction of units zeroed during training, in [0, 1). */
  rate: number;
}

export const SEEDED_DROPOUT_CLASS_NAME = 'RandwireDropout';

export class SeededDropout extends tf.layers.Layer {
  static className = SEEDED_DROPOUT_CLASS_NAME;
  readonly rate: number;
  /** Shared per-step randomness; not serialized: attach after loading. */
  noise: TrainingNoise | null = null;

  constructor(args: SeededDropoutArgs) {
    super(args);
    if (!(Number.isFinite(args.rate) && args.rate >= 0 && args.rate < 1)) {
      throw new ModelBuildError(
        `@randwire/tfjs/seeded-dropout: invalid rate (${args.rate}): must be in [0, 1)`,
      );
    }
    this.rate = args.rate;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (kwargs.training !== true || this.rate === 0) return tf.clone(x);
    const noise = this.noise;
    if (noise == null) return tf.dropout(x, this.rate);
    return tf.tidy(() =>
      tf.mul(x, tf.tensor(noise.dropoutMask(this.name, x.size, this.rate), x.shape, 'float32')),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
