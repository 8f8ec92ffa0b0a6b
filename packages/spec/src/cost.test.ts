import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { costOf } from './cost';
import { parameterList } from './names';
import type { NetworkSpec, RandomStageSpec, StageNodeSpec } from './types';
import { validateSpec } from './validate';

const tiny = JSON.parse(readFileSync(join(__dirname, '../fixtures/tiny.json'), 'utf8')) as NetworkSpec;

/** A valid spec with one random stage whose nodes are given (stage input 8 ch → 16 ch at 8×8). */
function oneStage(
  nodes: StageNodeSpec[],
  transform: RandomStageSpec['transform'] = 'sep-conv-3x3',
): NetworkSpec {
  const fed = new Set(nodes.flatMap((n) => n.inputs.filter((x): x is number => x !== 'input')));
  const spec: NetworkSpec = {
    ...tiny,
    input: { height: 16, width: 16, channels: 8, mean: new Array(8).fill(0), std: new Array(8).fill(1) },
    stem: [],
    stages: [
      {
        name: 's1',
        inChannels: 8,
        channels: 16,
        downsample: true,
        transform,
        graph: { model: 'custom', params: {}, seed: null },
        nodes,
        outputs: nodes.map((n) => n.id).filter((id) => !fed.has(id)),
      },
    ],
    head: { ...tiny.head, inChannels: 16 },
  };
  const r = validateSpec(spec);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return spec;
}

const fromInput = (id: number): StageNodeSpec => ({ id, inputs: ['input'], stride: 2 });
const inner = (id: number, inputs: number[]): StageNodeSpec => ({ id, inputs, stride: 1 });

describe('costOf', () => {
  it('matches hand-computed figures for the tiny fixture', () => {
    const cost = costOf(tiny);
    // conv1: 3×3 conv 1→4 at 9×9 (stride 1): weights 3·3·1·4 = 36, MACs 9·9·36 = 2916; BN 4·4 = 16.
    expect(cost.stem[0]).toMatchObject({ params: 36 + 16, multiplyAdds: 2916, outputShape: [9, 9, 4] });
    // s1 (4 → 8 ch, 9×9 → 5×5): input-fed nodes 0, 1, 4: separable 3·3·4 + 4·8 = 68 weights,
    // 25·68 = 1700 MACs; nodes 2, 3 read 8 ch: 3·3·8 + 8·8 = 136 weights, 3400 MACs; node 2
    // aggregates 2 inputs: 2 weights, 2·5·5·8 = 400 MACs; five BNs of 4·8 = 32.
    expect(cost.stages[0]).toMatchObject({
      params: 3 * 68 + 2 * 136 + 2 + 5 * 32,
      multiplyAdds: 3 * 1700 + 2 * 3400 + 400,
      weightedSumMultiplyAdds: 400,
      outputShape: [5, 5, 8],
    });
    // s2 (8 → 16 ch, 5×5 → 3×3): nodes 0, 3 fed by input: 3·3·8 + 8·16 = 200 weights, 9·200 =
    // 1800 MACs; nodes 1, 2: 3·3·16 + 16·16 = 400 weights, 3600 MACs; node 2 aggregates 2
    // inputs: 2·3·3·16 = 288 MACs; four BNs of 4·16 = 64.
    expect(cost.stages[1]).toMatchObject({
      params: 2 * 200 + 2 * 400 + 2 + 4 * 64,
      multiplyAdds: 2 * 1800 + 2 * 3600 + 288,
      weightedSumMultiplyAdds: 288,
      outputShape: [3, 3, 16],
    });
    // head: 1×1 conv 16→32 at 3×3: 512 weights, 9·512 = 4608 MACs; BN 128; fc 32·3 + 3 = 99, 96 MACs.
    expect(cost.head).toMatchObject({
      params: 512 + 128 + 99,
      multiplyAdds: 4608 + 96,
      outputShape: [1, 1, 3],
    });
    expect(cost.total.params).toBe(52 + 638 + 1458 + 739);
    expect(cost.total.multiplyAdds).toBe(2916 + 12300 + 11088 + 4704);
    // BN moving statistics (2 per channel) are not trainable: 4 + 40 + 64 + 32 channels of BN.
    expect(cost.total.trainableParams).toBe(cost.total.params - 2 * (4 + 5 * 8 + 4 * 16 + 32));
  });

  it('counts activations per layer output for one image (float32 bytes by default)', () => {
    const cost = costOf(tiny);
    const byName = new Map(cost.layers.map((l) => [l.name, l]));
    expect(byName.get('s1_n2_agg')).toMatchObject({
      op: 'weighted-sum',
      activations: 5 * 5 * 8,
      activationBytes: 800,
    });
    expect(byName.get('s1_n0_relu')?.activations).toBe(9 * 9 * 4); // ReLU of the stage input
    expect(byName.get('s1_out')).toMatchObject({ op: 'mean', activations: 200, multiplyAdds: 0 });
    expect(byName.has('s1_n3_agg')).toBe(false); // single input: no aggregation
    expect(cost.total.activations).toBe(cost.layers.reduce((a, l) => a + l.activations, 0));
    expect(costOf(tiny, { bytesPerElement: 2 }).total.activationBytes).toBe(2 * cost.total.activations);
    expect(cost.total.largestActivation).toBe(9 * 9 * 4);
  });

  it('counts exactly the parameters parameterList names, for every transform', () => {
    for (const transform of [
      'sep-conv-3x3',
      'conv-3x3',
      'max-pool-conv-1x1',
      'avg-pool-conv-1x1',
      'depthwise-3x3',
    ] as const) {
      const spec = oneStage(
        [fromInput(0), fromInput(1), inner(2, [0, 1]), inner(3, [0, 2]), inner(4, [3])],
        transform,
      );
      const listed = parameterList(spec);
      const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
      const cost = costOf(spec);
      expect(cost.total.params).toBe(listed.reduce((a, p) => a + size(p.shape), 0));
      expect(cost.total.trainableParams).toBe(
        listed.filter((p) => p.trainable).reduce((a, p) => a + size(p.shape), 0),
      );
      expect(parameterList(tiny).reduce((a, p) => a + size(p.shape), 0)).toBe(costOf(tiny).total.params);
    }
  });

  it('gives a node the same transform cost whatever its in- or out-degree', () => {
    const spec = oneStage([
      fromInput(0),
      inner(1, [0]),
      inner(2, [0, 1]),
      inner(3, [0, 1, 2]),
      inner(4, [3]),
    ]);
    const cost = costOf(spec);
    const nodeCost = (id: number) =>
      cost.layers
        .filter((l) => l.name.startsWith(`s1_n${id}_`) && l.op !== 'weighted-sum')
        .reduce((a, l) => [a[0]! + l.params, a[1]! + l.multiplyAdds], [0, 0]);
    // Nodes 1..4 have in-degree 1, 2, 3, 1 and out-degree 2, 2, 1, 0.
    expect(nodeCost(2)).toEqual(nodeCost(1));
    expect(nodeCost(3)).toEqual(nodeCost(1));
    expect(nodeCost(4)).toEqual(nodeCost(1));
    // 8×8 output, 16 ch: 3·3·16 + 16·16 = 400 weights + 64 BN; 64·400 MACs.
    expect(nodeCost(1)).toEqual([400 + 64, 64 * 400]);
  });

  it('changes only the weighted-sum term when edges are added', () => {
    const sparse = costOf(oneStage([fromInput(0), inner(1, [0]), inner(2, [1]), inner(3, [2])]));
    const dense = costOf(oneStage([fromInput(0), inner(1, [0]), inner(2, [0, 1]), inner(3, [0, 1, 2])]));
    const s = sparse.stages[0]!;
    const d = dense.stages[0]!;
    // Extra aggregation: node 2 takes 2 inputs, node 3 takes 3, each of 8·8·16 elements.
    expect(d.weightedSumMultiplyAdds - s.weightedSumMultiplyAdds).toBe((2 + 3) * 8 * 8 * 16);
    expect(d.multiplyAdds - s.multiplyAdds).toBe(d.weightedSumMultiplyAdds - s.weightedSumMultiplyAdds);
    expect(d.params - s.params).toBe(2 + 3);
  });

  it('grows in proportion to N for chains of N nodes', () => {
    const chain = (n: number) =>
      costOf(oneStage([fromInput(0), ...Array.from({ length: n - 1 }, (_, i) => inner(i + 1, [i]))]))
        .stages[0]!;
    const c8 = chain(8);
    const c16 = chain(16);
    const c32 = chain(32);
    // Every node after the first costs the same, so the stage cost is affine in N with the
    // same slope: (c32 - c16) = 2 (c16 - c8).
    expect(c32.multiplyAdds - c16.multiplyAdds).toBe(2 * (c16.multiplyAdds - c8.multiplyAdds));
    expect(c32.params - c16.params).toBe(2 * (c16.params - c8.params));
    expect(c32.multiplyAdds / c16.multiplyAdds).toBeGreaterThan(1.9);
  });
});
