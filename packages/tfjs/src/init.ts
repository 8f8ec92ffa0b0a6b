// Seeded weight initialization, two schemes (`InitScheme`):
// - 'pytorch' (the default): PyTorch's own defaults for nn.Conv2d and nn.Linear, what a
//   PyTorch user's network starts from: weights U(-b, b) with b = 1/sqrt(fan_in) (PyTorch's
//   kaiming_uniform_(a=sqrt(5))), fan_in = kh·kw·(input channels per group) — kh·kw for a
//   depthwise kernel — and the classifier's bias U(-1/sqrt(in), 1/sqrt(in)).
// - 'he-fan-out': the ResNet-style code the paper builds on (pycls): convolution kernels
//   normal with std sqrt(2 / fan_out), fan_out = kh·kw·(output channels) — kh·kw·C·m for a
//   depthwise kernel [kh, kw, C, m], whose C·m output channels each have their own filter —
//   and the classifier normal with std 0.01, bias 0.
// Both: batch-norm gamma 1, beta 0; aggregation logits 0 (weight 0.5). Behind the choice of
// default (apps/benchmarks accuracy): with batch norm after every convolution a kernel's scale
// sets its effective learning rate (the update relative to the weight goes as lr/|w|²), and
// He fan-out kernels are 2.5–6× larger than PyTorch's: at lr 0.1 they learn several times more
// slowly, a 7-point gap after one short epoch that disappears with the same initial weights.
// Each parameter draws from its own stream, seeded by a stable hash of (seed, parameter name):
// the same seed gives identical weights on every machine and backend, and adding a layer does
// not change the others' initial values. The initializers are registered tfjs Initializers
// (`RandwireSeededNormal` { stddev, seed }, `RandwireSeededUniform` { limit, seed }), so
// model.json records exactly how each weight was drawn; values come from init-random.ts
// (much faster than tfjs's seeded random ops; see there).
import * as tf from '@tensorflow/tfjs';
import { normalValues, uniformValues } from './init-random';
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
    checkSeed(args.seed);
    this.stddev = args.stddev;
    this.seed = args.seed;
  }

  override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    checkFloat32('RandwireSeededNormal', dtype);
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

export interface SeededUniformArgs {
  /** Draws are in [-limit, limit). */
  limit: number;
  /** 32-bit seed of the values. */
  seed: number;
}

/** U(-limit, limit) initializer with fast, portable seeded draws (init-random.ts). Registered
 * for serialization by registerRandwireLayers. */
export class SeededUniform extends InitializerBase {
  static className = 'RandwireSeededUniform';
  readonly limit: number;
  readonly seed: number;

  constructor(args: SeededUniformArgs) {
    super();
    if (!(Number.isFinite(args.limit) && args.limit >= 0)) {
      throw new ModelBuildError(
        `@randwire/tfjs/init: invalid limit (${args.limit}): must be finite and >= 0`,
      );
    }
    checkSeed(args.seed);
    this.limit = args.limit;
    this.seed = args.seed;
  }

  override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    checkFloat32('RandwireSeededUniform', dtype);
    const count = shape.reduce((a, d) => a * d, 1);
    return tf.tensor(uniformValues(count, this.limit, this.seed), shape, 'float32');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { limit: this.limit, seed: this.seed };
  }

  static fromConfig(
    cls: new (args: SeededUniformArgs) => SeededUniform,
    config: tf.serialization.ConfigDict,
  ): SeededUniform {
    return new cls({ limit: config.limit as number, seed: config.seed as number });
  }
}

function checkSeed(seed: number): void {
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new ModelBuildError(`@randwire/tfjs/init: invalid seed (${seed}): must be an integer in [0, 2^32)`);
  }
}

function checkFloat32(cls: string, dtype?: tf.DataType): void {
  if (dtype != null && dtype !== 'float32') {
    throw new ModelBuildError(`@randwire/tfjs/init: ${cls} supports float32 only (got ${dtype})`);
  }
}

import { ModelBuildError } from './model-errors';

/** How initial weights are drawn (see the file comment). */
export const INIT_SCHEMES = Object.freeze(['pytorch', 'he-fan-out'] as const);
export type InitScheme = (typeof INIT_SCHEMES)[number];
export const DEFAULT_INIT_SCHEME: InitScheme = 'pytorch';

/** Standard deviation of the classifier's kernel under 'he-fan-out'. */
export const CLASSIFIER_INIT_STDDEV = 0.01;

/** fan_in and fan_out of a kernel in tfjs layout, as PyTorch counts them for the same layer:
 * dense conv [kh, kw, in, out] → kh·kw·in, kh·kw·out; depthwise [kh, kw, C, m] (C groups) →
 * kh·kw, kh·kw·C·m; dense [in, out] → in, out. */
export function kernelFans(weight: string, shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const [kh, kw, cin, last] = shape;
  if (shape.length !== 4 || kh == null || kw == null || cin == null || last == null) {
    throw new ModelBuildError(
      `@randwire/tfjs/init: kernel ${weight} must have rank 2 or 4 (got shape [${shape.join(', ')}])`,
    );
  }
  if (weight === 'depthwise_kernel') return { fanIn: kh * kw, fanOut: kh * kw * cin * last };
  return { fanIn: kh * kw * cin, fanOut: kh * kw * last };
}

/** The seed of one parameter's initial values. */
export function parameterSeed(seed: number, parameterName: string): number {
  return hash32('init', seed, parameterName);
}

function checkScheme(scheme: InitScheme): void {
  if (!INIT_SCHEMES.includes(scheme)) {
    throw new ModelBuildError(
      `@randwire/tfjs/init: unknown init scheme '${String(scheme)}': must be one of ${INIT_SCHEMES.join(', ')}`,
    );
  }
}

/** tfjs initializer of a kernel (a convolution's 'kernel', 'depthwise_kernel' or
 * 'pointwise_kernel', or the classifier's 'kernel'), seeded by (seed, parameter name). */
export function kernelInitializer(
  scheme: InitScheme,
  seed: number,
  parameterName: string,
  shape: readonly number[],
): Initializer {
  checkScheme(scheme);
  const weight = parameterName.slice(parameterName.lastIndexOf('/') + 1);
  const { fanIn, fanOut } = kernelFans(weight, shape);
  const s = parameterSeed(seed, parameterName);
  if (scheme === 'pytorch') return new SeededUniform({ limit: 1 / Math.sqrt(fanIn), seed: s });
  const stddev = shape.length === 2 ? CLASSIFIER_INIT_STDDEV : Math.sqrt(2 / fanOut);
  return new SeededNormal({ stddev, seed: s });
}

/** tfjs initializer of the classifier's bias ([classes]; `inputs` features feed it). */
export function biasInitializer(
  scheme: InitScheme,
  seed: number,
  parameterName: string,
  inputs: number,
): Initializer {
  checkScheme(scheme);
  if (scheme === 'he-fan-out') return tf.initializers.zeros();
  return new SeededUniform({ limit: 1 / Math.sqrt(inputs), seed: parameterSeed(seed, parameterName) });
}
