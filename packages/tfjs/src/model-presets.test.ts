// The paper-style presets of @randwire/spec build into models with the expected structure.
import {
  costOf,
  generateSpec,
  HEAD_LAYERS,
  type NetworkSpec,
  nodeLayerNames,
  parameterList,
  stageOutputName,
} from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { WeightedSum } from './layers/weighted-sum';
import { buildModel } from './model';
import { modelParameterNames } from './model-parameters';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Layers the builder must create for a spec, counted from the spec alone. */
function expectedLayerCount(spec: NetworkSpec): number {
  let n = 1; // input
  for (const unit of spec.stem) n += (unit.preRelu ? 1 : 0) + 2;
  for (const stage of spec.stages) {
    const pool = stage.transform === 'max-pool-conv-1x1' || stage.transform === 'avg-pool-conv-1x1' ? 1 : 0;
    for (const node of stage.nodes) n += (node.inputs.length > 1 ? 1 : 0) + 3 + pool;
    if (stage.outputs.length > 1) n += 1;
  }
  return n + 8; // head: relu, conv, bn, relu2, pool, dropout, fc, probs
}

describe('presets', () => {
  it.each(['ws', 'ba', 'er'] as const)(
    'builds mnist-small (%s) with every layer and parameter of the spec',
    (model) => {
      const spec = generateSpec({ preset: 'mnist-small', model, seed: 0 });
      const m = buildModel(spec, { seed: 0 });
      expect(m.layers).toHaveLength(expectedLayerCount(spec));
      expect([...modelParameterNames(m)].sort()).toEqual(
        parameterList(spec)
          .map((p) => p.name)
          .sort(),
      );
      const cost = costOf(spec).total;
      expect(m.countParams()).toBe(cost.params);
      const multiInput = spec.stages.flatMap((s) => s.nodes).filter((n) => n.inputs.length > 1).length;
      expect(m.layers.filter((l) => l instanceof WeightedSum)).toHaveLength(multiInput);
      for (const stage of spec.stages) {
        if (stage.outputs.length > 1)
          expect(m.getLayer(stageOutputName(stage)).getClassName()).toBe('Average');
        for (const node of stage.nodes) {
          expect(m.getLayer(nodeLayerNames(stage, node).bn).outputShape).toEqual(
            m.getLayer(nodeLayerNames(stage, stage.nodes[stage.nodes.length - 1]!).bn).outputShape,
          );
        }
      }
      expect(m.getLayer(HEAD_LAYERS.pool).outputShape).toEqual([null, spec.head.channels]);
    },
  );

  it('builds cifar-small with the parameter count of the cost model', () => {
    const spec = generateSpec({ preset: 'cifar-small', seed: 1 });
    const m = buildModel(spec, { seed: 1 });
    expect(m.countParams()).toBe(costOf(spec).total.params);
    expect(m.layers).toHaveLength(expectedLayerCount(spec));
  });

  it('runs mnist-small forward with the declared output shapes', () => {
    for (const preset of ['mnist-small'] as const) {
      const spec = generateSpec({ preset, seed: 1 });
      const m = buildModel(spec, { seed: 1 });
      const x = tf.randomNormal(
        [1, spec.input.height, spec.input.width, spec.input.channels],
        0,
        1,
        'float32',
        2,
      );
      const [logits, probs, features] = m.predict(x) as tf.Tensor[];
      expect(logits?.shape).toEqual([1, spec.classes]);
      expect(probs?.shape).toEqual([1, spec.classes]);
      expect(features?.shape).toEqual([1, spec.head.channels]);
      expect(tf.sum(probs as tf.Tensor).dataSync()[0]).toBeCloseTo(1, 5);
    }
  });
});
