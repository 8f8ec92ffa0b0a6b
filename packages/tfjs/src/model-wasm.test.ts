// The whole model trains on wasm (with the composed gradient kernels) like on cpu: same loss
// and the same gradient for every trainable weight, drop-edge and dropout included.
import type { NodeTransform } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './backend';
import { buildModel } from './model';
import { variableNameToParameter } from './model-parameters';
import { tinySpec } from './test-utils/tiny-spec';

async function lossAndGrads(backend: 'cpu' | 'wasm', transform: NodeTransform) {
  if (backend === 'wasm') await selectBackend('wasm');
  else await tf.setBackend('cpu');
  const spec = tinySpec({ transform, stages: 2, height: 12, width: 11, dropout: 0.3 });
  const model = buildModel(spec, { seed: 2, dropEdgeRate: 0.5 });
  const x = tf.randomNormal([4, 12, 11, 1], 0, 1, 'float32', 11);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const [logits] = model.apply(x, { training: true }) as tf.Tensor[];
    return tf.losses.softmaxCrossEntropy(labels, logits as tf.Tensor) as tf.Scalar;
  }, vars);
  const names = variableNameToParameter(model);
  const out = new Map<string, Float32Array>();
  for (const v of vars)
    out.set(names.get(v.name) as string, (grads[v.name] as tf.Tensor).dataSync() as Float32Array);
  return { loss: value.dataSync()[0] as number, grads: out };
}

describe('buildModel on wasm', () => {
  it.each(['sep-conv-3x3', 'conv-3x3'] as const)('matches cpu loss and gradients (%s)', async (transform) => {
    const cpu = await lossAndGrads('cpu', transform);
    const wasm = await lossAndGrads('wasm', transform);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5 * Math.abs(cpu.loss));
    expect([...wasm.grads.keys()].sort()).toEqual([...cpu.grads.keys()].sort());
    const worst: Array<[string, number]> = [];
    for (const [name, g] of cpu.grads) {
      const w = wasm.grads.get(name) as Float32Array;
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < g.length; i++) {
        diff = Math.max(diff, Math.abs((g[i] as number) - (w[i] as number)));
        scale = Math.max(scale, Math.abs(g[i] as number));
      }
      // relative to the weight's largest gradient; gradients that are analytically ~0 (e.g. a
      // BN gamma followed by a per-channel op and another BN) are compared absolutely
      const rel = diff / Math.max(scale, 1e-4);
      if (rel > 1e-3) worst.push([name, rel]);
    }
    expect(worst).toEqual([]);
  });
});
