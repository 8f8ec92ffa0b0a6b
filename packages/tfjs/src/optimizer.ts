// SGD with momentum (optionally Nesterov) and coupled weight decay, written with tf ops so
// that its state (one momentum buffer per trainable weight, named by parameter) can be saved
// in a checkpoint and restored exactly. Update (PyTorch's convention):
//   d = g + weightDecay·w (decay only where the parameter says so)
//   buf = momentum·buf + d
//   w -= lr · (nesterov ? d + momentum·buf : buf)
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, TrainOptionsError } from './errors';

export interface SgdOptions {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

export const SGD_DEFAULTS: Readonly<SgdOptions> = Object.freeze({
  momentum: 0.9,
  nesterov: false,
  weightDecay: 5e-5,
});

/** A trainable weight the optimizer updates, named by parameter (`${layer}/${weight}`). */
export interface OptimizerParameter {
  name: string;
  variable: tf.Variable;
  /** Whether weight decay applies (convolution and dense kernels only). */
  decay: boolean;
}

/** A named float32 array: how optimizer state and weights travel to and from checkpoints. */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

export class SgdMomentum {
  readonly options: Readonly<SgdOptions>;
  private readonly params: OptimizerParameter[];
  private readonly buffers: Map<string, tf.Variable>;

  constructor(params: OptimizerParameter[], options: Partial<SgdOptions> = {}) {
    const o: SgdOptions = {
      momentum: options.momentum ?? SGD_DEFAULTS.momentum,
      nesterov: options.nesterov ?? SGD_DEFAULTS.nesterov,
      weightDecay: options.weightDecay ?? SGD_DEFAULTS.weightDecay,
    };
    if (!(o.momentum >= 0 && o.momentum < 1)) {
      throw new TrainOptionsError(
        `@randwire/tfjs/optimizer: invalid momentum (${o.momentum}): must be in [0, 1)`,
      );
    }
    if (!(o.weightDecay >= 0) || !Number.isFinite(o.weightDecay)) {
      throw new TrainOptionsError(
        `@randwire/tfjs/optimizer: invalid weightDecay (${o.weightDecay}): must be >= 0`,
      );
    }
    this.options = Object.freeze(o);
    this.params = params;
    this.buffers = new Map();
    for (const p of params) {
      if (this.buffers.has(p.name)) {
        throw new TrainOptionsError(`@randwire/tfjs/optimizer: duplicate parameter name '${p.name}'`);
      }
      // The variable shares the zeros' data; dispose the temporary so no tensor is left behind.
      const zeros = tf.zerosLike(p.variable);
      this.buffers.set(p.name, tf.variable(zeros, false, undefined, 'float32'));
      zeros.dispose();
    }
  }

  /** Applies one update with learning rate `lr`; `grads` maps parameter names to gradients
   * (the caller keeps ownership of them); a missing one counts as zero. */
  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    const { momentum, nesterov, weightDecay } = this.options;
    const known = new Set(this.params.map((p) => p.name));
    for (const name of Object.keys(grads)) {
      if (!known.has(name))
        throw new TrainOptionsError(`@randwire/tfjs/optimizer: gradient for unknown parameter '${name}'`);
    }
    tf.tidy(() => {
      const lrT = tf.scalar(lr);
      const mT = tf.scalar(momentum);
      const wdT = tf.scalar(weightDecay);
      for (const p of this.params) {
        // A parameter without a gradient this step (e.g. its node's only out-edge was dropped
        // by drop-edge) counts as a zero gradient: momentum and weight decay still apply.
        const g = grads[p.name] ?? tf.zerosLike(p.variable);
        const buf = this.buffers.get(p.name)!;
        const d = p.decay && weightDecay > 0 ? tf.add(g, tf.mul(wdT, p.variable)) : g;
        const newBuf = momentum > 0 ? tf.add(tf.mul(mT, buf), d) : d;
        buf.assign(newBuf);
        const step = nesterov ? tf.add(d, tf.mul(mT, newBuf)) : newBuf;
        p.variable.assign(tf.sub(p.variable, tf.mul(lrT, step)));
      }
    });
  }

  /** The momentum buffers, in parameter order. */
  getState(): NamedArray[] {
    return this.params.map((p) => {
      const buf = this.buffers.get(p.name)!;
      return {
        name: p.name,
        shape: buf.shape.slice(),
        values: Float32Array.from(buf.dataSync() as Float32Array),
      };
    });
  }

  /** Restores momentum buffers saved by `getState` (every parameter must be present with its shape). */
  setState(state: NamedArray[], source = 'state'): void {
    const byName = new Map(state.map((s) => [s.name, s]));
    for (const p of this.params) {
      const s = byName.get(p.name);
      const buf = this.buffers.get(p.name)!;
      if (!s) throw new CheckpointError(`${source}: missing momentum buffer for '${p.name}'`);
      if (s.shape.join(',') !== buf.shape.join(',')) {
        throw new CheckpointError(
          `${source}: momentum buffer '${p.name}' has shape [${s.shape}], the model needs [${buf.shape}]`,
        );
      }
      tf.tidy(() => buf.assign(tf.tensor(s.values, buf.shape, 'float32')));
    }
    if (byName.size !== this.params.length) {
      const known = new Set(this.params.map((p) => p.name));
      const extra = [...byName.keys()].filter((n) => !known.has(n));
      throw new CheckpointError(
        `${source}: momentum buffers for unknown parameters: ${extra.slice(0, 5).join(', ')}`,
      );
    }
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
