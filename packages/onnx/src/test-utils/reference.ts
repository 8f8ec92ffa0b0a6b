// An independent tfjs implementation of the spec's semantics (functional, tfjs ops on the
// cpu backend) used as the parity reference, with seeded random weights and batch-norm
// statistics calibrated from a batch (so deep random nets keep an input-dependent signal).

import {
  convUnitLayerNames,
  HEAD_LAYERS,
  type NetworkSpec,
  nodeLayerNames,
  parameterList,
} from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import type { WeightMap } from '../weights';

/** mulberry32: a small seeded uniform generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normals(n: number, seed: number): Float32Array {
  const u = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.sqrt(-2 * Math.log(u() + 1e-12));
    out[i] = r * Math.cos(2 * Math.PI * u());
  }
  return out;
}

/** Seeded He-style random weights for every parameter of the spec. */
export function randomWeights(spec: NetworkSpec, seed: number): WeightMap {
  const u = rng(seed);
  const out: WeightMap = new Map();
  let k = 0;
  for (const p of parameterList(spec)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    switch (p.weight) {
      case 'gamma':
        data = Float32Array.from({ length: n }, () => 0.7 + 0.6 * u());
        break;
      case 'beta':
      case 'bias':
        data = Float32Array.from({ length: n }, () => 0.2 * (u() - 0.5));
        break;
      case 'moving_mean':
        data = new Float32Array(n);
        break;
      case 'moving_variance':
        data = new Float32Array(n).fill(1);
        break;
      case 'logits':
        data = normals(n, seed * 1000 + k);
        break;
      default: {
        const fanIn =
          p.weight === 'depthwise_kernel' ? p.shape[0]! * p.shape[1]! : n / p.shape[p.shape.length - 1]!;
        const s = Math.sqrt(2 / fanIn);
        data = normals(n, seed * 1000 + k).map((v) => v * s);
      }
    }
    k++;
    out.set(p.name, { shape: [...p.shape], data });
  }
  return out;
}

export interface ReferenceOutputs {
  logits: Float32Array;
  probs: Float32Array;
  features: Float32Array;
}

/** Runs the spec in tfjs on a normalized NHWC batch. With `calibrate`, every batch norm uses
 * its batch statistics and writes them into `weights` as moving statistics. */
export function referenceForward(
  spec: NetworkSpec,
  weights: WeightMap,
  nhwc: Float32Array,
  count: number,
  opts: { calibrate?: boolean } = {},
): ReferenceOutputs {
  const t = (name: string) => {
    const w = weights.get(name)!;
    return tf.tensor(w.data, w.shape);
  };
  const eps = spec.batchNorm.epsilon;
  const bn = (x: tf.Tensor4D, layer: string): tf.Tensor4D => {
    if (opts.calibrate) {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      weights.get(`${layer}/moving_mean`)!.data = mean.dataSync() as Float32Array;
      weights.get(`${layer}/moving_variance`)!.data = variance.dataSync() as Float32Array;
    }
    return tf.batchNorm4d(
      x,
      t(`${layer}/moving_mean`) as tf.Tensor1D,
      t(`${layer}/moving_variance`) as tf.Tensor1D,
      t(`${layer}/beta`) as tf.Tensor1D,
      t(`${layer}/gamma`) as tf.Tensor1D,
      eps,
    );
  };
  const result = tf.tidy(() => {
    const { height, width, channels } = spec.input;
    let x = tf.tensor4d(nhwc, [count, height, width, channels]);
    for (const unit of spec.stem) {
      const n = convUnitLayerNames(unit);
      if (unit.preRelu) x = tf.relu(x);
      x = bn(tf.conv2d(x, t(`${n.conv}/kernel`) as tf.Tensor4D, unit.stride, 'same'), n.bn);
    }
    for (const stage of spec.stages) {
      const outs = new Map<number, tf.Tensor4D>();
      for (const node of stage.nodes) {
        const names = nodeLayerNames(stage, node);
        const srcs = node.inputs.map((i) => (i === 'input' ? x : outs.get(i)!));
        let a = srcs[0]!;
        if (srcs.length > 1) {
          const w = tf.sigmoid(t(`${names.agg}/logits`));
          a = tf.addN(srcs.map((s, i) => tf.mul(s, w.slice([i], [1])))) as tf.Tensor4D;
        }
        const r = tf.relu(a);
        let y: tf.Tensor4D;
        switch (stage.transform) {
          case 'sep-conv-3x3': {
            const d = tf.depthwiseConv2d(
              r,
              t(`${names.conv}/depthwise_kernel`) as tf.Tensor4D,
              node.stride,
              'same',
            );
            y = tf.conv2d(d, t(`${names.conv}/pointwise_kernel`) as tf.Tensor4D, 1, 'same');
            break;
          }
          case 'conv-3x3':
            y = tf.conv2d(r, t(`${names.conv}/kernel`) as tf.Tensor4D, node.stride, 'same');
            break;
          case 'max-pool-conv-1x1':
            y = tf.conv2d(
              tf.maxPool(r, 3, node.stride, 'same'),
              t(`${names.conv}/kernel`) as tf.Tensor4D,
              1,
              'same',
            );
            break;
          case 'avg-pool-conv-1x1':
            y = tf.conv2d(
              tf.avgPool(r, 3, node.stride, 'same'),
              t(`${names.conv}/kernel`) as tf.Tensor4D,
              1,
              'same',
            );
            break;
          case 'depthwise-3x3':
            y = tf.depthwiseConv2d(
              r,
              t(`${names.conv}/depthwise_kernel`) as tf.Tensor4D,
              node.stride,
              'same',
            );
            break;
        }
        outs.set(node.id, bn(y, names.bn));
      }
      const o = stage.outputs.map((i) => outs.get(i)!);
      x = o.length === 1 ? o[0]! : (tf.div(tf.addN(o), o.length) as tf.Tensor4D);
    }
    let y = tf.relu(x);
    y = bn(tf.conv2d(y, t(`${HEAD_LAYERS.conv}/kernel`) as tf.Tensor4D, 1, 'same'), HEAD_LAYERS.bn);
    const features = tf.mean(tf.relu(y), [1, 2]) as tf.Tensor2D;
    const logits = tf.add(
      tf.matMul(features, t(`${HEAD_LAYERS.fc}/kernel`) as tf.Tensor2D),
      t(`${HEAD_LAYERS.fc}/bias`),
    );
    return [logits, tf.softmax(logits), features];
  });
  const [logits, probs, features] = result.map((r) => {
    const d = r.dataSync() as Float32Array;
    r.dispose();
    return d;
  }) as [Float32Array, Float32Array, Float32Array];
  return { logits, probs, features };
}

/** Random weights with BN statistics taken from a calibration batch (seeded). */
export function calibratedWeights(spec: NetworkSpec, seed: number, count = 16): WeightMap {
  const weights = randomWeights(spec, seed);
  const { height, width, channels } = spec.input;
  referenceForward(spec, weights, normals(count * height * width * channels, seed + 99), count, {
    calibrate: true,
  });
  return weights;
}
