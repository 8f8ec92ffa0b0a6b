// The per-step randomness of training (drop-edge, randwire.md section 7, and dropout), as a
// pure function of (seed, step, layer name). One TrainingNoise object is shared by every
// WeightedSum and SeededDropout layer of a model; the trainer sets `step` before each
// training step, so a resumed run draws exactly what an uninterrupted one would have.
// Layers draw nothing at inference (only when called with `training: true`).
import seedrandom from 'seedrandom';
import { ModelBuildError } from '../model-errors';
import { hash32, hashUniform } from './hash';

export interface TrainingNoiseOptions {
  /** Seed of every draw (0 is a seed). */
  seed?: number;
  /** Drop-edge probability per node with in-degree > 1, per training step (paper: 0.1 in
   * the regular regime; 0 = off). */
  dropEdgeRate?: number;
  /** The training step the next draws belong to. */
  step?: number;
}

export const TRAINING_NOISE_DEFAULTS = Object.freeze({ seed: 0, dropEdgeRate: 0, step: 0 });

const WHERE = '@randwire/tfjs/training-noise';

function checkRate(rate: number): number {
  if (!(Number.isFinite(rate) && rate >= 0 && rate <= 1)) {
    throw new ModelBuildError(`${WHERE}: invalid dropEdgeRate (${rate}): must be a number in [0, 1]`);
  }
  return rate;
}

function checkInteger(what: string, v: number): number {
  if (!Number.isSafeInteger(v))
    throw new ModelBuildError(`${WHERE}: invalid ${what} (${v}): must be an integer`);
  return v;
}

export class TrainingNoise {
  private seed_: number;
  private rate_: number;
  private step_: number;

  constructor(options: TrainingNoiseOptions = {}) {
    this.seed_ = checkInteger('seed', options.seed ?? TRAINING_NOISE_DEFAULTS.seed);
    this.rate_ = checkRate(options.dropEdgeRate ?? TRAINING_NOISE_DEFAULTS.dropEdgeRate);
    this.step_ = checkInteger('step', options.step ?? TRAINING_NOISE_DEFAULTS.step);
  }

  get seed(): number {
    return this.seed_;
  }
  set seed(v: number) {
    this.seed_ = checkInteger('seed', v);
  }
  get dropEdgeRate(): number {
    return this.rate_;
  }
  set dropEdgeRate(v: number) {
    this.rate_ = checkRate(v);
  }
  /** The training step the next draws belong to (set it before each step). */
  get step(): number {
    return this.step_;
  }
  set step(v: number) {
    this.step_ = checkInteger('step', v);
  }

  /** Index of the input edge that `layer` (with `inputs` in-edges) drops at `step`, or -1
   * for none. Never drops anything when `inputs` < 2 (a node's only input is never removed). */
  droppedInput(layer: string, inputs: number, step: number = this.step_): number {
    if (inputs < 2 || this.rate_ <= 0) return -1;
    if (hashUniform('drop-edge', this.seed_, step, layer) >= this.rate_) return -1;
    return Math.min(inputs - 1, Math.floor(hashUniform('drop-edge-which', this.seed_, step, layer) * inputs));
  }

  /** Seed of the dropout mask of `layer` at `step` (a 32-bit integer). */
  dropoutSeed(layer: string, step: number = this.step_): number {
    return hash32('dropout', this.seed_, step, layer);
  }

  /** The inverted-dropout multiplier of `count` units of `layer` at `step` (0 for a dropped
   * unit, 1 / (1 - rate) in float32 for a kept one): exactly what
   * `tf.dropout(x, rate, undefined, dropoutSeed(layer, step))` multiplies x by (seedrandom's
   * alea seeded by the decimal seed, each draw rounded to float32, floor(u + keep) / keep in
   * float32), computed without tf so that other engines can apply the same mask. */
  dropoutMask(layer: string, count: number, rate: number, step: number = this.step_): Float32Array {
    if (!(Number.isFinite(rate) && rate >= 0 && rate < 1)) {
      throw new ModelBuildError(`${WHERE}: invalid dropout rate (${rate}): must be a number in [0, 1)`);
    }
    const out = new Float32Array(count);
    if (rate === 0) return out.fill(1);
    const random = seedrandom.alea(String(this.dropoutSeed(layer, step)));
    const keep = fround(1 - rate);
    for (let i = 0; i < count; i++) out[i] = floor(fround(fround(random()) + keep)) / keep;
    return out;
  }
}

const { floor, fround } = Math;
