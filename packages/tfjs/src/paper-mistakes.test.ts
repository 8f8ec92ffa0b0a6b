// randwire.md section 6, "mistakes found in public re-implementations", at the level of the
// built network: each test would fail on a builder that repeats the mistake.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateSpec, type NetworkSpec, nodeLayerNames, stageOutputName } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { buildModel } from './model';

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../spec/fixtures/tiny.json'), 'utf8'),
) as NetworkSpec;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Runs the model up to the named layers' outputs. */
function probe(model: tf.LayersModel, layers: string[], x: tf.Tensor): tf.Tensor[] {
  const sub = tf.model({
    inputs: model.inputs,
    outputs: layers.map((l) => model.getLayer(l).output as tf.SymbolicTensor),
  });
  const out = sub.predict(x);
  return Array.isArray(out) ? out : [out];
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe('the built network avoids the re-implementation mistakes of randwire.md section 6', () => {
  const x = tf.randomNormal([3, 9, 9, 1], 0, 1, 'float32', 7);

  it("averages the output node's inputs (not a sum)", () => {
    const model = buildModel(fixture, { seed: 0 });
    const s1 = fixture.stages[0]!;
    expect(s1.outputs).toEqual([3, 4]);
    const [out, a, b] = probe(
      model,
      [stageOutputName(s1), nodeLayerNames(s1, { id: 3 }).bn, nodeLayerNames(s1, { id: 4 }).bn],
      x,
    );
    const mean = tf.div(tf.add(a!, b!), 2);
    expect(maxAbsDiff(out!, mean)).toBeLessThan(1e-6);
    // ...and it is really different from the sum, so the check above can fail.
    expect(maxAbsDiff(out!, tf.add(a!, b!))).toBeGreaterThan(1e-3);
  });

  it('feeds a node its direct predecessors only, weighted by sigmoid of its logits', () => {
    const model = buildModel(fixture, { seed: 0 });
    const s1 = fixture.stages[0]!;
    // s1 node 2 has inputs [0, 1]; node 3 has input [2] only (node 0 and 1 are its ancestors).
    const agg = nodeLayerNames(s1, { id: 2 }).agg;
    const [sum, n0, n1, relu3] = probe(
      model,
      [
        agg,
        nodeLayerNames(s1, { id: 0 }).bn,
        nodeLayerNames(s1, { id: 1 }).bn,
        nodeLayerNames(s1, { id: 3 }).relu,
      ],
      x,
    );
    const logits = model.getLayer(agg).getWeights()[0]!.dataSync();
    const w = Array.from(logits, (l) => 1 / (1 + Math.exp(-l)));
    const expected = tf.add(tf.mul(n0!, w[0]!), tf.mul(n1!, w[1]!));
    expect(maxAbsDiff(sum!, expected)).toBeLessThan(1e-5);
    // Node 3 reads node 2's output as is: no aggregation layer, ReLU of node 2's BN output.
    expect(() => model.getLayer(nodeLayerNames(s1, { id: 3 }).agg)).toThrow();
    const [bn2] = probe(model, [nodeLayerNames(s1, { id: 2 }).bn], x);
    expect(maxAbsDiff(relu3!, tf.relu(bn2!))).toBeLessThan(1e-6);
  });

  it('builds and runs stages with isolated nodes (ER with P = 0: every node is wired to input and output)', () => {
    const spec = generateSpec({
      input: { height: 8, width: 8, channels: 1 },
      classes: 4,
      stem: [{ channels: 4, stride: 1 }],
      stages: [{ nodes: 5, channels: 8, model: 'er', p: 0 }],
      headChannels: 8,
      seed: 0,
    });
    const stage = spec.stages[0]!;
    expect(stage.nodes.every((n) => n.inputs.length === 1 && n.inputs[0] === 'input')).toBe(true);
    expect(stage.outputs).toEqual([0, 1, 2, 3, 4]);
    const model = buildModel(spec, { seed: 1 });
    const [logits] = model.predict(tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 3)) as tf.Tensor[];
    expect(logits!.shape).toEqual([2, 4]);
    expect(Array.from(logits!.dataSync()).every(Number.isFinite)).toBe(true);
  });
});
