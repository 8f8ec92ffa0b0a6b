import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  costOf,
  HEAD_LAYERS,
  INPUT_NAME,
  type NetworkSpec,
  NODE_TRANSFORMS,
  nodeLayerNames,
  parameterList,
} from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { TrainingNoise } from './layers/training-noise';
import { WeightedSum } from './layers/weighted-sum';
import { attachTrainingNoise, buildModel, trainingNoiseOf } from './model';
import { ModelBuildError } from './model-errors';
import { modelParameterNames, parameterVariables, variableNameToParameter } from './model-parameters';
import { tinySpec } from './test-utils/tiny-spec';

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../spec/fixtures/tiny.json'), 'utf8'),
) as NetworkSpec;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function randomBatch(spec: NetworkSpec, n: number, seed: number): tf.Tensor4D {
  return tf.randomNormal(
    [n, spec.input.height, spec.input.width, spec.input.channels],
    0,
    1,
    'float32',
    seed,
  );
}

function weightValues(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
}

describe('buildModel', () => {
  it('builds the fixture with input image and outputs logits, probs, features in that order', () => {
    const model = buildModel(fixture, { seed: 0 });
    expect(model.inputs).toHaveLength(1);
    expect(model.inputs[0]?.shape).toEqual([null, 9, 9, 1]);
    expect(model.inputLayers[0]?.name).toBe(INPUT_NAME);
    expect(model.outputNames).toEqual([HEAD_LAYERS.fc, HEAD_LAYERS.softmax, HEAD_LAYERS.pool]);
    expect(model.outputs.map((o) => o.shape)).toEqual([
      [null, 3],
      [null, 3],
      [null, 32],
    ]);
    const [logits, probs, features] = model.predict(randomBatch(fixture, 2, 1)) as tf.Tensor[];
    const expected = tf.softmax(logits as tf.Tensor2D);
    expect(Array.from((probs as tf.Tensor).dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(features?.shape).toEqual([2, 32]);
  });

  it('names every weight exactly as parameterList, with matching shapes and trainability', () => {
    const model = buildModel(fixture, { seed: 0 });
    const expected = parameterList(fixture);
    expect([...modelParameterNames(model)].sort()).toEqual(expected.map((p) => p.name).sort());
    const pv = parameterVariables(model, fixture);
    expect(pv.map((p) => p.info.name)).toEqual(expected.map((p) => p.name));
    for (const { info, variable } of pv) {
      expect(variable.shape).toEqual(info.shape);
      expect(variable.trainable).toBe(info.trainable);
    }
    expect(model.countParams()).toBe(expected.reduce((n, p) => n + p.shape.reduce((a, d) => a * d, 1), 0));
  });

  it('has the parameter counts of the spec cost model, for every node transform', () => {
    for (const spec of [fixture, ...NODE_TRANSFORMS.map((transform) => tinySpec({ transform, stages: 2 }))]) {
      const model = buildModel(spec, { seed: 0 });
      const cost = costOf(spec).total;
      expect(model.countParams()).toBe(cost.params);
      const trainable = model.trainableWeights.reduce(
        (n, w) => n + w.shape.reduce((a: number, d) => a * (d as number), 1),
        0,
      );
      expect(trainable).toBe(cost.trainableParams);
    }
  });

  it('keeps parameter names exact for a second model in the same process (save artifacts too)', async () => {
    buildModel(fixture, { seed: 0 });
    const second = buildModel(fixture, { seed: 0 });
    const names = parameterList(fixture)
      .map((p) => p.name)
      .sort();
    // the engine's variable names get suffixes; originalName does not
    expect(second.weights.some((w) => w.name !== w.originalName)).toBe(true);
    expect([...modelParameterNames(second)].sort()).toEqual(names);
    const map = variableNameToParameter(second);
    expect([...map.values()].sort()).toEqual(names);
    for (const w of second.weights) expect(map.get((w.read() as tf.Variable).name)).toBe(w.originalName);
    let saved: string[] = [];
    await second.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = (artifacts.weightSpecs ?? []).map((s) => s.name);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(saved.sort()).toEqual(names);
  });

  it('initializes deterministically from the seed: same seed identical, other seed different', () => {
    const a = weightValues(buildModel(fixture, { seed: 7 }));
    const b = weightValues(buildModel(fixture, { seed: 7 }));
    const c = weightValues(buildModel(fixture, { seed: 0 }));
    for (const [name, va] of a) expect(Array.from(b.get(name) as Float32Array)).toEqual(Array.from(va));
    const kernels = parameterList(fixture).filter((p) => p.decay);
    for (const k of kernels) {
      expect(Array.from(c.get(k.name) as Float32Array)).not.toEqual(
        Array.from(a.get(k.name) as Float32Array),
      );
    }
    // init of the aggregation logits: 0 (weight 0.5); BN gamma 1, beta 0
    expect(Array.from(a.get('s1_n2_agg/logits') as Float32Array)).toEqual([0, 0]);
    expect(Array.from(a.get('conv1_bn/gamma') as Float32Array)).toEqual([1, 1, 1, 1]);
    expect(Array.from(a.get('conv1_bn/beta') as Float32Array)).toEqual([0, 0, 0, 0]);
  });

  const std = (v: Float32Array): number => {
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
  };
  const maxAbs = (v: Float32Array): number => v.reduce((s, x) => Math.max(s, Math.abs(x)), 0);

  it("draws 'pytorch' (default) kernels U(±1/sqrt(fan_in)), depthwise fan_in kh·kw, and the classifier's bias", () => {
    const spec = tinySpec({ transform: 'sep-conv-3x3', stemChannels: 16, stageChannels: 32 });
    const w = weightValues(buildModel(spec, { seed: 3 }));
    expect(Array.from(w.get('s1_n2_conv/depthwise_kernel') as Float32Array)).toEqual(
      Array.from(
        weightValues(buildModel(spec, { seed: 3, init: 'pytorch' })).get(
          's1_n2_conv/depthwise_kernel',
        ) as Float32Array,
      ),
    );
    // uniform in (-b, b): std b/sqrt(3) (the estimate's relative sd is sqrt(0.8 / n) / 2 for a
    // uniform: allowed 5 of them), max |x| under b and near it
    const check = (name: string, fanIn: number) => {
      const v = w.get(name) as Float32Array;
      const b = 1 / Math.sqrt(fanIn);
      expect(maxAbs(v)).toBeLessThan(b);
      expect(maxAbs(v)).toBeGreaterThan(0.8 * b);
      expect(Math.abs(std(v) / (b / Math.sqrt(3)) - 1)).toBeLessThan(5 * 0.5 * Math.sqrt(0.8 / v.length));
    };
    check('s1_n2_conv/depthwise_kernel', 9); // [3, 3, 32, 1]: one 3x3 filter per channel
    check('s1_n2_conv/pointwise_kernel', 32); // [1, 1, 32, 32]
    check('conv1_conv/kernel', 9 * spec.input.channels);
    const fcIn = spec.head.channels;
    check('fc/kernel', fcIn);
    const bias = w.get('fc/bias') as Float32Array;
    expect(maxAbs(bias)).toBeLessThan(1 / Math.sqrt(fcIn));
    expect(maxAbs(bias)).toBeGreaterThan(0);
  });

  it("draws 'he-fan-out' kernels normal with std sqrt(2 / fan_out), depthwise fan_out kh·kw·C, classifier std 0.01", () => {
    const spec = tinySpec({ transform: 'sep-conv-3x3', stemChannels: 16, stageChannels: 32 });
    const w = weightValues(buildModel(spec, { seed: 3, init: 'he-fan-out' }));
    // s1_n2_conv/depthwise_kernel: [3, 3, 32, 1] → fan_out 9·32 = 288 (PyTorch's and pycls's
    // count: 32 output channels of 3x3 filters), not Keras's 9
    expect(std(w.get('s1_n2_conv/depthwise_kernel') as Float32Array)).toBeCloseTo(Math.sqrt(2 / 288), 2);
    expect(std(w.get('s1_n2_conv/pointwise_kernel') as Float32Array)).toBeCloseTo(Math.sqrt(2 / 32), 1);
    const conv = weightValues(
      buildModel(tinySpec({ transform: 'conv-3x3', stemChannels: 16, stageChannels: 32 }), {
        seed: 3,
        init: 'he-fan-out',
      }),
    );
    // s1_n2_conv/kernel: [3, 3, 32, 32] → fan_out 288, 9216 draws (sd of the estimate ≈ 0.7%)
    expect(std(conv.get('s1_n2_conv/kernel') as Float32Array)).toBeCloseTo(Math.sqrt(2 / 288), 2);
    // fc/kernel: normal with std 0.01; fc/bias 0
    expect(std(w.get('fc/kernel') as Float32Array)).toBeGreaterThan(0.005);
    expect(std(w.get('fc/kernel') as Float32Array)).toBeLessThan(0.02);
    expect(Array.from(w.get('fc/bias') as Float32Array).every((x) => x === 0)).toBe(true);
  });

  it("draws a separable conv's pointwise kernel from its own initializer, not the depthwise one (tfjs 4.22 bug)", () => {
    const spec = tinySpec({ transform: 'sep-conv-3x3', stemChannels: 16, stageChannels: 32 });
    for (const init of ['pytorch', 'he-fan-out'] as const) {
      const model = buildModel(spec, { seed: 3, init });
      const w = weightValues(model);
      const dw = w.get('s1_n2_conv/depthwise_kernel') as Float32Array;
      const pw = w.get('s1_n2_conv/pointwise_kernel') as Float32Array;
      // tfjs alone would give the pointwise kernel the depthwise kernel's seed: same first draws
      expect(Array.from(pw.subarray(0, 16))).not.toEqual(Array.from(dw.subarray(0, 16)));
      const layer = model.getLayer('s1_n2_conv').getConfig();
      expect(layer['pointwiseInitializer']).not.toEqual(layer['depthwiseInitializer']);
    }
  });

  it('rejects an unknown init scheme, naming it and the choices', () => {
    expect(() => buildModel(fixture, { init: 'xavier' as never })).toThrow(
      /invalid init \(xavier\): must be one of pytorch, he-fan-out/,
    );
  });

  it('builds every node transform; stride 2 gives ceil(size / 2) on odd and even sizes', () => {
    for (const transform of NODE_TRANSFORMS) {
      for (const size of [8, 7]) {
        const spec = tinySpec({
          transform,
          height: size,
          width: size + 1,
          stemChannels: 4,
          stageChannels: 8,
        });
        const model = buildModel(spec, { seed: 1 });
        const expected = parameterList(spec)
          .map((p) => p.name)
          .sort();
        expect([...modelParameterNames(model)].sort()).toEqual(expected);
        const bn = model.getLayer(nodeLayerNames(spec.stages[0]!, { id: 0 }).bn);
        expect(bn.outputShape).toEqual([null, Math.ceil(size / 2), Math.ceil((size + 1) / 2), 8]);
        const [logits] = model.predict(randomBatch(spec, 2, 5)) as tf.Tensor[];
        expect(logits?.shape).toEqual([2, 3]);
        expect(Array.from(logits!.dataSync()).every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('pools 3x3 with stride and same padding, average excluding the padding (spec contract)', () => {
    const avg = tinySpec({ transform: 'avg-pool-conv-1x1', height: 8, width: 7 });
    const pool = buildModel(avg).getLayer(nodeLayerNames(avg.stages[0]!, { id: 0 }).pool);
    const y = pool.apply(tf.ones([1, 8, 7, 4])) as tf.Tensor;
    expect(y.shape).toEqual([1, 4, 4, 4]);
    expect(Array.from(y.dataSync()).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    const max = tinySpec({ transform: 'max-pool-conv-1x1', height: 8, width: 7 });
    const maxPool = buildModel(max).getLayer(nodeLayerNames(max.stages[0]!, { id: 0 }).pool);
    const neg = maxPool.apply(tf.fill([1, 8, 7, 4], -3)) as tf.Tensor;
    expect(Array.from(neg.dataSync()).every((v) => v === -3)).toBe(true); // padding is not a 0
  });

  it('has an aggregation layer only at multi-input nodes', () => {
    const model = buildModel(fixture, { seed: 0 });
    for (const stage of fixture.stages) {
      for (const node of stage.nodes) {
        const agg = nodeLayerNames(stage, node).agg;
        const has = model.layers.some((l) => l.name === agg);
        expect([agg, has]).toEqual([agg, node.inputs.length > 1]);
        if (has) expect(model.getLayer(agg)).toBeInstanceOf(WeightedSum);
      }
    }
  });

  it('sends gradients to every trainable weight, aggregation weights included', () => {
    const spec = tinySpec({ stages: 2 });
    const model = buildModel(spec, { seed: 2 });
    const x = randomBatch(spec, 4, 11);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => {
      const [logits] = model.apply(x, { training: true }) as tf.Tensor[];
      return tf.losses.softmaxCrossEntropy(labels, logits as tf.Tensor) as tf.Scalar;
    }, vars);
    const toName = variableNameToParameter(model);
    const zero: string[] = [];
    for (const v of vars) {
      const g = grads[v.name];
      if (g == null || tf.max(tf.abs(g)).dataSync()[0] === 0) zero.push(toName.get(v.name) as string);
    }
    expect(zero).toEqual([]);
    const aggs = vars.filter((v) => (toName.get(v.name) as string).endsWith('_agg/logits'));
    const multiInput = spec.stages.flatMap((st) => st.nodes).filter((n) => n.inputs.length > 1).length;
    expect(multiInput).toBe(4);
    expect(aggs.length).toBe(multiInput);
  });

  it('uses the moving statistics of batch norm at inference', () => {
    const spec = tinySpec();
    const model = buildModel(spec, { seed: 4 });
    // move the statistics away from (0, 1) with a few training-mode passes
    const x = randomBatch(spec, 6, 21);
    for (let i = 0; i < 3; i++) model.apply(tf.add(x, 1), { training: true });
    const mean = model.getLayer('conv1_bn').getWeights()[2] as tf.Tensor;
    expect(tf.max(tf.abs(mean)).dataSync()[0]).toBeGreaterThan(0);
    const [all] = model.predict(x) as tf.Tensor[];
    for (let i = 0; i < 6; i += 5) {
      const [one] = model.predict(tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1])) as tf.Tensor[];
      const row = tf.slice(all as tf.Tensor, [i, 0], [1, -1]);
      expect(tf.max(tf.abs(tf.sub(one as tf.Tensor, row))).dataSync()[0]).toBeLessThan(1e-6);
    }
    // whereas training mode (batch statistics) depends on the rest of the batch
    const [trainAll] = model.apply(x, { training: true }) as tf.Tensor[];
    expect(tf.max(tf.abs(tf.sub(trainAll as tf.Tensor, all as tf.Tensor))).dataSync()[0]).toBeGreaterThan(
      1e-4,
    );
  });

  it('does not leak tensors in inference or training passes', () => {
    const spec = tinySpec({ dropout: 0.5 });
    const model = buildModel(spec, { seed: 8, dropEdgeRate: 0.5 });
    const x = randomBatch(spec, 3, 41);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 3);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => {
        const [logits] = model.apply(x, { training: true }) as tf.Tensor[];
        return tf.losses.softmaxCrossEntropy(labels, logits as tf.Tensor) as tf.Scalar;
      }, vars);
      value.dispose();
      tf.dispose(grads);
    };
    step(); // warm-up (lazily created constants)
    tf.dispose(model.predict(x));
    const before = tf.memory().numTensors;
    (trainingNoiseOf(model) as TrainingNoise).step = 1;
    step();
    tf.dispose(model.predict(x));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shares one TrainingNoise across its drop-edge layers and can re-attach one', () => {
    const model = buildModel(fixture, { seed: 5, dropEdgeRate: 0.25 });
    const noise = trainingNoiseOf(model) as TrainingNoise;
    expect(noise.dropEdgeRate).toBe(0.25);
    expect(noise.seed).toBe(5);
    const aggs = model.layers.filter((l): l is WeightedSum => l instanceof WeightedSum);
    expect(aggs).toHaveLength(2);
    for (const a of aggs) expect(a.noise).toBe(noise);
    const other = new TrainingNoise({ seed: 9, dropEdgeRate: 0.5 });
    expect(attachTrainingNoise(model, other)).toBe(3); // 2 aggregations + dropout
    for (const a of aggs) expect(a.noise).toBe(other);
    expect(trainingNoiseOf(model)).toBe(other);
  });

  it('validates the spec first, reporting problems by JSON pointer', () => {
    const bad = structuredClone(fixture);
    bad.stages[0]!.nodes[2]!.inputs = [0, 3];
    expect(() => buildModel(bad)).toThrow(ModelBuildError);
    expect(() => buildModel(bad)).toThrow(/invalid spec "tiny-handmade": \/stages\/0\/nodes\/2\/inputs/);
  });

  it('applies drop-edge in training only', () => {
    const spec = tinySpec();
    const x = randomBatch(spec, 2, 31);
    const plain = buildModel(spec, { seed: 6 });
    const dropping = buildModel(spec, { seed: 6, dropEdgeRate: 1 });
    const diff = (a: tf.Tensor, b: tf.Tensor): number => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
    const [p0] = plain.predict(x) as tf.Tensor[];
    const [d0] = dropping.predict(x) as tf.Tensor[];
    expect(diff(p0 as tf.Tensor, d0 as tf.Tensor)).toBe(0);
    // feature outputs (before the classifier's tiny weights) differ once edges are dropped
    const [, , pf] = plain.apply(x, { training: true }) as tf.Tensor[];
    const [, , df] = dropping.apply(x, { training: true }) as tf.Tensor[];
    expect(diff(pf as tf.Tensor, df as tf.Tensor)).toBeGreaterThan(1e-3);
  });

  it('rejects specs it cannot build even unvalidated, naming the problem', () => {
    const raw = { validate: false };
    const bad = structuredClone(fixture);
    (bad.stages[0] as { transform: string }).transform = 'conv-5x5';
    expect(() => buildModel(bad, raw)).toThrow(/unknown node transform "conv-5x5" for the tfjs runtime/);
    const wiring = structuredClone(fixture);
    wiring.stages[0]!.nodes[2]!.inputs = [0, 3];
    expect(() => buildModel(wiring, raw)).toThrow(/input 3 is not an earlier node/);
    const channels = structuredClone(fixture);
    channels.stages[1]!.inChannels = 7;
    expect(() => buildModel(channels, raw)).toThrow(/s2: spec says 7 input channels/);
    const depthwise = tinySpec({ transform: 'depthwise-3x3', stemChannels: 4, stageChannels: 6 });
    expect(() => buildModel(depthwise, raw)).toThrow(/multiple/);
    expect(() => buildModel(fixture, { seed: 1.5 })).toThrow(/invalid seed \(1.5\)/);
  });
});
