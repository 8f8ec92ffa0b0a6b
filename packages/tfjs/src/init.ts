// Seeded weight initialization, as in the ResNet-style code the paper builds on (pycls):
// convolution kernels He-normal with fan-out, std = sqrt(2 / fan_out), untruncated;
// the classifier's kernel normal with std 0.01 and zero bias; batch norm gamma 1, beta 0;
// aggregation logits 0 (weight 0.5). Each parameter draws from its own stream, seeded by a
// stable hash of (seed, parameter name): the same seed gives identical weights on every
// machine and backend, and adding a layer does not change the others' initial values.
// The initializers are a registered tfjs Initializer (`RandwireSeededNormal` { stddev, seed }),
// so model.json records exactly how each weight was drawn; values come from init-random.ts
// (much faster than tfjs's seeded randomNormal; see there).
//
// fan_out of a kernel: kh * kw * (output channels one input channel feeds): dense conv HWIO
// [kh, kw, in, out] → kh·kw·out; pointwise [1, 1, in, out] → out; depthwise [kh, kw, C, m] →
// kh·kw·m (Keras's fan-out of a depthwise kernel; PyTorch's would use kh·kw·C·m).
import * as tf from '@tensorflow/tfjs';
import { normalValues } from './init-random';
import { hash32 } from './layers/hash';

/** A tfjs-layers initializer (the class is not exported by name). */
export type Initializer = ReturnType<typeof tf.initializers.randomNormal>;

// tfjs-layers accepts an initializer object only if it is `instanceof` its Initializer class,
// which the package does not export: take it from a built-in initializer's prototype chain.
const InitializerBase = Object.getPrototypeOf(
  tf.initializers.zeros().constructor,
) as abstract new () => Initializer;

export interface SeededNormalArgs {
  stddev: number;
  /** 32-bit seed of the values. */
  seed: number;
}

/** N(0, stddev²) initializer with fast, portable seeded draws (init-random.ts). Registered for
 * serialization by registerRandwireLayers. */
export class SeededNormal extends InitializerBase {
  static className = 'RandwireSeededNormal';
  readonly stddev: number;
  readonly seed: number;

  constructor(args: SeededNormalArgs) {
    super();
    if (!(Number.isFinite(args.stddev) && args.stddev >= 0)) {
      throw new ModelBuildError(
        `@randwire/tfjs/init: invalid stddev (${args.stddev}): must be finite and >= 0`,
      );
    }
    if (!(Number.isInteger(args.seed) && args.seed >= 0 && args.seed < 2 ** 32)) {
      throw new ModelBuildError(
        `@randwire/tfjs/init: invalid seed (${args.seed}): must be an integer in [0, 2^32)`,
      );
    }
    this.stddev = args.stddev;
    this.seed = args.seed;
  }

  override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    if (dtype != null && dtype !== 'float32') {
      throw new ModelBuildError(
        `@randwire/tfjs/init: RandwireSeededNormal supports float32 only (got ${dtype})`,
      );
    }
    const count = shape.reduce((a, d) => a * d, 1);
    return tf.tensor(normalValues(count, this.stddev, this.seed), shape, 'float32');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { stddev: this.stddev, seed: this.seed };
  }

  static fromConfig(
    cls: new (args: SeededNormalArgs) => SeededNormal,
    config: tf.serialization.ConfigDict,
  ): SeededNormal {
    return new cls({ stddev: config.stddev as number, seed: config.seed as number });
  }
}

import { ModelBuildError } from './model-errors';

/** Standard deviation of the classifier's kernel. */
export const CLASSIFIER_INIT_STDDEV = 0.01;

/** fan_out of a conv kernel in tfjs layout (see the file comment). */
export function kernelFanOut(weight: string, shape: readonly number[]): number {
  const [kh, kw, , out] = shape;
  if (shape.length !== 4 || kh == null || kw == null || out == null) {
    throw new ModelBuildError(
      `@randwire/tfjs/init: kernel ${weight} must have rank 4 (got shape [${shape.join(', ')}])`,
    );
  }
  return kh * kw * out;
}

/** The seed of one parameter's initial values. */
export function parameterSeed(seed: number, parameterName: string): number {
  return hash32('init', seed, parameterName);
}

/** tfjs initializer of a convolution kernel (weight 'kernel', 'depthwise_kernel' or
 * 'pointwise_kernel'), He-normal fan-out, seeded by (seed, parameter name). */
export function convKernelInitializer(
  seed: number,
  parameterName: string,
  shape: readonly number[],
): Initializer {
  const weight = parameterName.slice(parameterName.lastIndexOf('/') + 1);
  const stddev = Math.sqrt(2 / kernelFanOut(weight, shape));
  return new SeededNormal({ stddev, seed: parameterSeed(seed, parameterName) });
}

/** tfjs initializer of the classifier's kernel: normal, std 0.01, seeded. */
export function denseKernelInitializer(seed: number, parameterName: string): Initializer {
  return tf.initializers.randomNormal({
    mean: 0,
    stddev: CLASSIFIER_INIT_STDDEV,
    seed: parameterSeed(seed, parameterName),
  });
}
