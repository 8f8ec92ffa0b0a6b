// Damage is written into the weights: checked here by running the damaged weights through the
// ordinary ONNX export in onnxruntime, against networks whose answer is known without the code
// under test (twin nodes with identical weights produce identical tensors, so removing one
// twin with renormalisation must leave the logits as they were).
import { buildOnnxModel, OnnxSession } from '@randwire/onnx';
import { type NetworkSpec, type NodeInput, parameterList } from '@randwire/spec';
import { handSpec } from '@randwire/spec/testing';
import { onnx } from 'onnx-proto';
import { damageCases, damageWeights, type NetworkDamage, type WeightTensor } from './damage';
import { NetworkDamageError } from './errors';

type StageDef = { nodes: NodeInput[][]; outputs: number[] };

/** A 9x9x1, 3-class network with these stages (4 then 8 channels, no downsampling). */
function specWith(stages: StageDef[]): NetworkSpec {
  const spec = handSpec({ stages: stages.map((s, i) => [s.nodes.length, 4 * 2 ** i, false]) });
  stages.forEach((def, i) => {
    const stage = spec.stages[i]!;
    stage.nodes = def.nodes.map((inputs, id) => ({ id, inputs, stride: 1 }));
    stage.outputs = def.outputs;
  });
  return spec;
}

/** Seeded weights with moderate batch-norm statistics. */
function randomWeights(spec: NetworkSpec, seed = 1): Map<string, WeightTensor> {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out = new Map<string, WeightTensor>();
  for (const p of parameterList(spec)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    const v = (lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
    const data =
      p.weight === 'gamma' || p.weight === 'moving_variance'
        ? v(0.6, 1.4)
        : p.weight === 'beta' || p.weight === 'moving_mean' || p.weight === 'bias'
          ? v(-0.2, 0.2)
          : p.weight === 'logits'
            ? v(-1, 1)
            : v(-0.6, 0.6);
    out.set(p.name, { shape: p.shape, data });
  }
  return out;
}

/** Node `b` of a stage gets node `a`'s weights (so both compute the same tensor). */
function twin(spec: NetworkSpec, w: Map<string, WeightTensor>, stage: string, a: number, b: number) {
  for (const name of [...w.keys()]) {
    const prefix = `${stage}_n${a}_`;
    if (name.startsWith(prefix) && !name.includes('_agg/'))
      w.set(name.replace(prefix, `${stage}_n${b}_`), w.get(name)!);
  }
  expect(spec.stages.find((s) => s.name === stage)!.nodes[b]!.inputs).toEqual(
    spec.stages.find((s) => s.name === stage)!.nodes[a]!.inputs,
  );
}

const INPUT = Float32Array.from({ length: 8 * 81 }, (_, i) => Math.sin(i * 0.37) * 1.5);

async function logits(spec: NetworkSpec, w: Map<string, WeightTensor>): Promise<Float32Array> {
  const bytes = onnx.ModelProto.encode(buildOnnxModel(spec, w).model).finish();
  const session = await OnnxSession.create(bytes, { threads: 1 });
  try {
    return (await session.run({ data: INPUT, shape: [8, 1, 9, 9] }))['logits']!.data;
  } finally {
    await session.release();
  }
}

const maxRelDiff = (a: Float32Array, b: Float32Array) => {
  const scale = Math.max(...Array.from(a, Math.abs));
  return Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i]!))) / scale;
};

describe('damageCases', () => {
  it('lists every node and internal edge with the degrees the paper plots', () => {
    const spec = specWith([{ nodes: [['input'], ['input'], [0, 1], [2]], outputs: [3] }]);
    expect(damageCases(spec).map((c) => [c.label, c.inDegree, c.outDegree])).toEqual([
      ['s1 node 0', 1, 1],
      ['s1 node 1', 1, 1],
      ['s1 node 2', 2, 1],
      ['s1 node 3', 1, 1],
      ['s1 edge 0->2', 2, 1],
      ['s1 edge 1->2', 2, 1],
      ['s1 edge 2->3', 1, 1],
    ]);
    expect(damageCases(spec, { kinds: ['edge'] })).toHaveLength(3);
    expect(() => damageCases(spec, { stages: ['s9'] })).toThrow(/no stage 's9' in spec .*: stages are s1/);
  });
});

describe('damageWeights', () => {
  // s1: twins 0 and 1 (both from the input) feed node 2; nodes 3 and 4 are twin outputs of 2.
  // s2: twins 0 and 1 are both outputs.
  const spec = specWith([
    { nodes: [['input'], ['input'], [0, 1], [2], [2]], outputs: [3, 4] },
    { nodes: [['input'], ['input']], outputs: [0, 1] },
  ]);
  const weights = randomWeights(spec);
  twin(spec, weights, 's1', 0, 1);
  twin(spec, weights, 's1', 3, 4);
  twin(spec, weights, 's2', 0, 1);
  let original: Float32Array;
  beforeAll(async () => {
    original = await logits(spec, weights);
  });

  it('changes only copies of the tensors it touches', () => {
    const before = new Map([...weights].map(([k, v]) => [k, Float32Array.from(v.data)]));
    const damaged = damageWeights(spec, weights, { kind: 'node', stage: 's1', node: 0 });
    for (const [k, v] of weights) expect(v.data).toEqual(before.get(k));
    expect(damaged.get('s1_n0_bn/gamma')!.data.every((x) => x === 0)).toBe(true);
    expect(damaged.get('s1_n3_conv/depthwise_kernel')).toBe(weights.get('s1_n3_conv/depthwise_kernel'));
  });

  it.each<[string, NetworkDamage]>([
    ['edge into a weighted sum', { kind: 'edge', stage: 's1', from: 0, to: 2 }],
    ['node feeding a weighted sum', { kind: 'node', stage: 's1', node: 0 }],
    ['output node before another stage', { kind: 'node', stage: 's1', node: 3 }],
    ['output node before the head', { kind: 'node', stage: 's2', node: 1 }],
  ])('renormalises: removing a twin (%s) leaves the logits unchanged', async (_what, damage) => {
    const damaged = await logits(spec, damageWeights(spec, weights, damage));
    expect(maxRelDiff(original, damaged)).toBeLessThan(2e-5);
  });

  it('renormalises weights whose sum exceeds 1 through the batch norm', async () => {
    const w = new Map(weights);
    w.set('s1_n2_agg/logits', { shape: [2], data: Float32Array.from([2.5, 2.5]) }); // sigmoid 0.92 each
    const before = await logits(spec, w);
    const damaged = damageWeights(spec, w, { kind: 'edge', stage: 's1', from: 1, to: 2 });
    expect(damaged.get('s1_n2_bn/gamma')!.data[0]).not.toBe(w.get('s1_n2_bn/gamma')!.data[0]);
    expect(maxRelDiff(before, await logits(spec, damaged))).toBeLessThan(2e-5);
  });

  it('zeroes: removing a node changes the logits (without renormalising they change too)', async () => {
    const damaged = await logits(spec, damageWeights(spec, weights, { kind: 'node', stage: 's1', node: 2 }));
    expect(maxRelDiff(original, damaged)).toBeGreaterThan(1e-2);
    // a zeroed twin without renormalisation is not the original network
    const zeroOnly = new Map(weights);
    zeroOnly.set('s1_n0_bn/gamma', { shape: [4], data: new Float32Array(4) });
    zeroOnly.set('s1_n0_bn/beta', { shape: [4], data: new Float32Array(4) });
    expect(maxRelDiff(original, await logits(spec, zeroOnly))).toBeGreaterThan(1e-3);
  });

  it("feeds zeros to a node whose only input is removed, as removing that input's node does", async () => {
    // node 1's only input is node 0, whose only successor is node 1.
    const chain = specWith([{ nodes: [['input'], [0], ['input'], [1, 2]], outputs: [3] }]);
    const w = randomWeights(chain, 7);
    const byEdge = await logits(
      chain,
      damageWeights(chain, w, { kind: 'edge', stage: 's1', from: 0, to: 1 }),
    );
    const byNode = await logits(chain, damageWeights(chain, w, { kind: 'node', stage: 's1', node: 0 }));
    expect(maxRelDiff(byNode, byEdge)).toBeLessThan(2e-5);
    expect(maxRelDiff(await logits(chain, w), byEdge)).toBeGreaterThan(1e-3);
  });

  it('refuses damage the network does not have', () => {
    expect(() => damageWeights(spec, weights, { kind: 'node', stage: 's1', node: 9 })).toThrow(
      NetworkDamageError,
    );
    expect(() => damageWeights(spec, weights, { kind: 'edge', stage: 's1', from: 0, to: 3 })).toThrow(
      /stage 's1' has no edge 0 -> 3/,
    );
  });
});
