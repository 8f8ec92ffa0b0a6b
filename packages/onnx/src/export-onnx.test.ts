import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type NetworkSpec, NODE_TRANSFORMS, nodeLayerNames, parameterList } from '@randwire/spec';
import { handSpec } from '@randwire/spec/testing';
import { onnx } from 'onnx-proto';
import { ExportError } from './errors';
import { buildOnnxModel, EXPORT_DEFAULTS, exportOnnx, MAX_OPSET, MIN_OPSET } from './export-onnx';
import { exportRunDir } from './export-run-dir';
import { floatValueInfo } from './graph-builder';
import { METADATA_KEYS, readOnnxMetadata } from './metadata';
import { planChannels } from './pad-channels';
import { type OnnxOutputs, OnnxSession, runOnnx } from './run-onnx';
import { normals, randomWeights, rng } from './test-utils/reference';
import { writeWeightsRunDir } from './test-utils/run-dir';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'randwire-onnx-export-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const spec = handSpec({ transform: 'sep-conv-3x3', height: 8, width: 8, imageChannels: 2 });
const weights = randomWeights(spec, 2);
const input = (n: number, seed = 4) => ({
  data: normals(n * 2 * 8 * 8, seed),
  shape: [n, 2, 8, 8] as [number, number, number, number],
});

describe('exportOnnx: the model', () => {
  it('round-trips its metadata: spec, provenance, normalization, export options', () => {
    const info = readOnnxMetadata(exportOnnx(spec, weights, { foldBn: true }));
    expect(info.spec).toEqual(spec);
    expect(info.normalization).toEqual({ mean: spec.input.mean, std: spec.input.std });
    expect(info.metadata[METADATA_KEYS.specFormat]).toBe('randwire-spec');
    expect(info.metadata[METADATA_KEYS.specVersion]).toBe('1');
    expect(info.metadata[METADATA_KEYS.seed]).toBe('7');
    expect(JSON.parse(info.metadata[METADATA_KEYS.params]!)).toEqual({ hand: true });
    expect(JSON.parse(info.metadata[METADATA_KEYS.graphs]!)).toHaveLength(2);
    expect(info.metadata[METADATA_KEYS.generator]).toBe('@randwire/onnx tests');
    expect(info.metadata[METADATA_KEYS.foldBn]).toBe('true');
    expect(info.metadata[METADATA_KEYS.weightsSha256]).toMatch(/^[0-9a-f]{64}$/);
    expect(info.opset).toBe(EXPORT_DEFAULTS.opset);
    expect(info.irVersion).toBe(8);
    expect(info.input).toEqual({ name: 'image', dims: ['N', 2, 8, 8] });
    expect(info.outputs.map((o) => [o.name, o.dims])).toEqual([
      ['logits', ['N', 3]],
      ['probs', ['N', 3]],
      ['features', ['N', spec.head.channels]],
    ]);
    for (const o of info.outputs) expect(o.doc.length).toBeGreaterThan(20);
  });

  it('names nodes by the stable names, initializers by parameterList names, epsilon explicit', () => {
    const graph = onnx.ModelProto.decode(exportOnnx(spec, weights)).graph as onnx.GraphProto;
    const nodes = graph.node as onnx.NodeProto[];
    const names = new Set(nodes.map((n) => n.name));
    for (const stage of spec.stages) {
      for (const node of stage.nodes) {
        const n = nodeLayerNames(stage, node);
        for (const k of [n.relu, n.bn, `${n.conv}/depthwise`, `${n.conv}/pointwise`])
          expect(names.has(k)).toBe(true);
        expect(names.has(n.agg)).toBe(node.inputs.length > 1);
      }
    }
    for (const k of ['conv1_conv', 'conv1_bn', 's1_out', 's2_out', 'head_conv', 'head_pool', 'fc', 'probs']) {
      expect(names.has(k)).toBe(true);
    }
    const inits = new Set(graph.initializer.map((t) => t.name));
    for (const p of parameterList(spec)) if (p.weight !== 'logits') expect(inits.has(p.name)).toBe(true);
    const bns = nodes.filter((n) => n.opType === 'BatchNormalization');
    expect(bns).toHaveLength(2 + 5 + 4);
    for (const bn of bns) expect(bn.attribute.find((a) => a.name === 'epsilon')!.f).toBeCloseTo(1e-3, 9);
    // stride-2 depthwise convs on the even 8x8 input pad [0, 0, 1, 1]
    const dw = nodes.find((n) => n.name === 's1_n0_conv/depthwise')!;
    expect((dw.attribute.find((a) => a.name === 'pads') as onnx.AttributeProto).ints.map(Number)).toEqual([
      0, 0, 1, 1,
    ]);
    expect(Number(dw.attribute.find((a) => a.name === 'group')!.i)).toBe(4);
  });

  it('folds BN into the convs (no BatchNormalization left, a bias per conv)', () => {
    const graph = onnx.ModelProto.decode(exportOnnx(spec, weights, { foldBn: true }))
      .graph as onnx.GraphProto;
    expect(graph.node.some((n) => n.opType === 'BatchNormalization')).toBe(false);
    expect(graph.initializer.some((t) => t.name === 's1_n2_conv/bias')).toBe(true);
    expect(graph.initializer.some((t) => t.name?.endsWith('/moving_mean'))).toBe(false);
  });

  it('has a dynamic batch: batch 1 and 7 give the same per-image results as one batch of 8', async () => {
    const bytes = exportOnnx(spec, weights);
    const all = await runOnnx(bytes, input(8));
    const session = await OnnxSession.create(bytes, { batch: 7 });
    const split = await session.run(input(8)); // runs as 7 + 1
    await session.release();
    expect(split['logits']!.dims).toEqual([8, 3]);
    const one = await runOnnx(bytes, { data: input(8).data.subarray(0, 2 * 64), shape: [1, 2, 8, 8] });
    expect(one['features']!.dims).toEqual([1, spec.head.channels]);
    for (let i = 0; i < 24; i++) expect(split['logits']!.data[i]).toBeCloseTo(all['logits']!.data[i]!, 5);
    for (let i = 0; i < 3; i++) expect(one['logits']!.data[i]).toBeCloseTo(all['logits']!.data[i]!, 5);
  });

  it('omits probs with noSoftmax', async () => {
    const out = await runOnnx(exportOnnx(spec, weights, { noSoftmax: true }), input(2));
    expect(Object.keys(out).sort()).toEqual(['features', 'logits']);
  });

  it(`loads and agrees in onnxruntime at every opset ${MIN_OPSET}..${MAX_OPSET}`, async () => {
    const ref = await runOnnx(exportOnnx(spec, weights), input(2));
    for (let opset = MIN_OPSET; opset <= MAX_OPSET; opset++) {
      const out = await runOnnx(exportOnnx(spec, weights, { opset }), input(2));
      for (let i = 0; i < 6; i++) expect(out['probs']!.data[i]).toBeCloseTo(ref['probs']!.data[i]!, 6);
    }
  });

  it('rejects out-of-range opsets and IR versions', () => {
    expect(() => exportOnnx(spec, weights, { opset: 10 })).toThrow(
      /invalid opset \(10\): must be an integer 11..26/,
    );
    expect(() => exportOnnx(spec, weights, { opset: 27 })).toThrow(ExportError);
    expect(() => exportOnnx(spec, weights, { irVersion: 14 })).toThrow(/invalid irVersion \(14\)/);
  });

  it('names an unknown node transform and the runtime', () => {
    const bad = handSpec();
    (bad.stages[0] as { transform: string }).transform = 'conv-5x5';
    expect(() => exportOnnx(bad, randomWeights(handSpec(), 1))).toThrow(
      /unknown node transform 'conv-5x5' for runtime 'onnx'/,
    );
  });
});

describe('exportRunDir', () => {
  it('writes the model atomically and reports it', () => {
    const dir = path.join(tmp, 'ok');
    writeWeightsRunDir(dir, spec, weights);
    const out = path.join(dir, 'model.onnx');
    const r = exportRunDir(dir, out, { opset: 13 });
    expect(r.bytes).toBe(fs.statSync(out).size);
    expect(r.opset).toBe(13);
    expect(readOnnxMetadata(out).spec.name).toBe(spec.name);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  const broken: Array<[string, (w: typeof weights) => void, RegExp]> = [
    ['missing', (w) => w.delete('head_conv/kernel'), /missing weight 'head_conv\/kernel'/],
    [
      'mismatched',
      (w) => w.set('fc/bias', { shape: [4], data: new Float32Array(4) }),
      /'fc\/bias' has shape \[4\], expected \[3\]/,
    ],
    [
      'NaN',
      (w) => {
        w.get('s2_n1_conv/depthwise_kernel')!.data[0] = Number.NaN;
      },
      /'s2_n1_conv\/depthwise_kernel' has a non-finite value/,
    ],
  ];
  for (const [what, mutate, message] of broken) {
    it(`fails on a ${what} weight with a clear error and writes no file`, () => {
      const w = randomWeights(spec, 2);
      mutate(w);
      const dir = path.join(tmp, what);
      writeWeightsRunDir(dir, spec, w);
      const out = path.join(dir, 'model.onnx');
      expect(() => exportRunDir(dir, out)).toThrow(ExportError);
      expect(() => exportRunDir(dir, out)).toThrow(message);
      expect(fs.readdirSync(dir).sort()).toEqual(['model', 'spec.json']);
    });
  }
});

describe('exportOnnx: padChannels', () => {
  // Channel counts that are not multiples of 8: stem 3 and 6 (conv2 with its pre-ReLU), stages
  // 6 and 12 (so depthwise-3x3 has multipliers 1 and 2 at input-fed nodes), head 20.
  const padSpec = (transform: NetworkSpec['stages'][number]['transform']) =>
    handSpec({
      transform,
      height: 7,
      width: 7,
      imageChannels: 2,
      stem: [
        [1, 3, false],
        [1, 6, true],
      ],
      stages: [
        [5, 6, true],
        [4, 12, true],
      ],
      headChannels: 20,
    });
  /** Random weights with non-trivial BN statistics (mean != 0, variance != 1). */
  const padWeights = (spec: NetworkSpec, seed: number) => {
    const w = randomWeights(spec, seed);
    const u = rng(seed + 100);
    for (const [name, t] of w) {
      if (name.endsWith('/moving_mean')) t.data = t.data.map(() => u() - 0.5);
      if (name.endsWith('/moving_variance')) t.data = t.data.map(() => 0.5 + u());
    }
    return w;
  };
  const padInput = (n: number) => ({
    data: normals(n * 2 * 7 * 7, 11),
    shape: [n, 2, 7, 7] as [number, number, number, number],
  });
  /** The model with the stage outputs as extra graph outputs (internal tensors to inspect). */
  const withStageOutputs = (model: onnx.ModelProto) => {
    for (const s of ['s1_out', 's2_out'])
      model.graph!.output!.push(floatValueInfo(s, ['N', 'C', 'H', 'W'], s));
    return onnx.ModelProto.encode(model).finish();
  };
  const decode = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes);
  const maxRelDiff = (a: Float32Array, b: Float32Array) => {
    expect(a.length).toBe(b.length);
    let scale = 1;
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(b[i]!));
      diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    }
    return diff / scale;
  };
  /** Compares an internal NCHW tensor: the real channels equal the unpadded model's, the
   * padded ones are exactly 0. Returns the largest |value| in the padded channels. */
  const compareInternal = (padded: OnnxOutputs[string], plain: OnnxOutputs[string]) => {
    const [n, cp, h, w] = padded.dims as [number, number, number, number];
    const c = plain.dims[1]!;
    expect([padded.dims[0], padded.dims[2], padded.dims[3]]).toEqual([
      plain.dims[0],
      plain.dims[2],
      plain.dims[3],
    ]);
    expect(cp).toBeGreaterThan(c);
    const real = new Float32Array(n * c * h * w);
    let extra = 0;
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < cp; ch++) {
        const src = padded.data.subarray((b * cp + ch) * h * w, (b * cp + ch + 1) * h * w);
        if (ch < c) real.set(src, (b * c + ch) * h * w);
        else for (const v of src) extra = Math.max(extra, Math.abs(v));
      }
    }
    expect(maxRelDiff(real, plain.data)).toBeLessThanOrEqual(1e-5);
    return extra;
  };

  for (const transform of NODE_TRANSFORMS) {
    it(`${transform}: same outputs as the unpadded export, BN kept and folded; padded channels stay 0`, async () => {
      const spec = padSpec(transform);
      const weights = padWeights(spec, 3);
      const x = padInput(3);
      for (const foldBn of [false, true]) {
        const plain = await runOnnx(withStageOutputs(buildOnnxModel(spec, weights, { foldBn }).model), x);
        const built = buildOnnxModel(spec, weights, { foldBn, padChannels: 8 });
        expect(built.summary.padChannels).toBe(8);
        const padded = await runOnnx(withStageOutputs(built.model), x);
        for (const o of ['logits', 'probs', 'features']) {
          expect(padded[o]!.dims).toEqual(plain[o]!.dims);
          expect(maxRelDiff(padded[o]!.data, plain[o]!.data)).toBeLessThanOrEqual(1e-5);
        }
        for (const s of ['s1_out', 's2_out']) expect(compareInternal(padded[s]!, plain[s]!)).toBe(0);
      }
    });
  }

  it('pads every Conv to multiples of the block except the image input and the features', () => {
    for (const transform of NODE_TRANSFORMS) {
      const spec = padSpec(transform);
      const graph = buildOnnxModel(spec, padWeights(spec, 1), { padChannels: 8 }).model.graph!;
      const dims = new Map(graph.initializer!.map((t) => [t.name, (t.dims ?? []).map(Number)]));
      const convs = graph.node!.filter((n) => n.opType === 'Conv');
      expect(convs.length).toBeGreaterThan(10);
      for (const n of convs) {
        const [out, perGroup] = dims.get(n.input![1]!)! as [number, number];
        const group = Number(n.attribute!.find((a) => a.name === 'group')!.i);
        const inC = perGroup * group;
        if (n.name === 'conv1_conv') expect(inC).toBe(2);
        else expect(inC % 8).toBe(0);
        if (n.name === 'head_conv') expect(out).toBe(20);
        else expect(out % 8).toBe(0);
        if (group > 1) expect(perGroup).toBe(1);
      }
      const plan = planChannels(spec, 8);
      for (const bn of graph.node!.filter((n) => n.opType === 'BatchNormalization')) {
        const expected = bn.name === 'head_bn' ? 20 : bn.name!.startsWith('s2') ? plan.stages[1]!.out : 8;
        expect(dims.get(bn.input![1]!)).toEqual([expected]);
      }
    }
  });

  it('fills the padded BN channels with gamma 0, beta 0, mean 0, variance 1; a nonzero beta would leak', async () => {
    const spec = padSpec('sep-conv-3x3');
    const weights = padWeights(spec, 2);
    const { model } = buildOnnxModel(spec, weights, { padChannels: 8 });
    const inits = new Map(model.graph!.initializer!.map((t) => [t.name!, t]));
    const values = (name: string) => {
      const raw = inits.get(name)!.rawData!;
      return Array.from(new Float32Array(Uint8Array.from(raw).buffer));
    };
    const bn = 's1_n2_bn'; // 6 real channels, 8 in the graph
    expect(values(`${bn}/gamma`).slice(6)).toEqual([0, 0]);
    expect(values(`${bn}/beta`).slice(6)).toEqual([0, 0]);
    expect(values(`${bn}/moving_mean`).slice(6)).toEqual([0, 0]);
    expect(values(`${bn}/moving_variance`).slice(6)).toEqual([1, 1]);
    expect(values(`${bn}/moving_variance`).slice(0, 6)).toEqual(
      Array.from(weights.get(`${bn}/moving_variance`)!.data),
    );

    // Mutation: a padded beta of 0.5 on every stage-1 node makes s1_out's padded channels
    // nonzero (what the equality tests above would catch); consumers' zero columns still
    // keep the logits unchanged.
    const x = padInput(2);
    const plain = await runOnnx(withStageOutputs(buildOnnxModel(spec, weights).model), x);
    const mutated = decode(exportOnnx(spec, weights, { padChannels: 8 }));
    for (const t of mutated.graph!.initializer!) {
      if (t.name!.startsWith('s1_') && t.name!.endsWith('_bn/beta')) {
        const v = Float32Array.from(values(t.name!));
        v.fill(0.5, 6);
        t.rawData = new Uint8Array(v.buffer);
      }
    }
    const out = await runOnnx(withStageOutputs(mutated), x);
    expect(compareInternal(out['s1_out']!, plain['s1_out']!)).toBeGreaterThan(0.1);
    expect(maxRelDiff(out['logits']!.data, plain['logits']!.data)).toBeLessThanOrEqual(1e-5);
  });

  it('records the block in the metadata and the summary (0 when off)', () => {
    const spec = padSpec('conv-3x3');
    const weights = padWeights(spec, 1);
    const padded = buildOnnxModel(spec, weights, { padChannels: 16 });
    expect(padded.summary.padChannels).toBe(16);
    expect(
      readOnnxMetadata(exportOnnx(spec, weights, { padChannels: 16 })).metadata[METADATA_KEYS.padChannels],
    ).toBe('16');
    const plain = buildOnnxModel(spec, weights, { padChannels: 1 });
    expect(plain.summary.padChannels).toBe(0);
    expect(readOnnxMetadata(exportOnnx(spec, weights)).metadata[METADATA_KEYS.padChannels]).toBe('0');
    expect(padded.summary.parameters).toBeGreaterThan(plain.summary.parameters);
  });

  it('rejects a block that is not 0, 1 or a power of two 2..64', () => {
    const spec = padSpec('conv-3x3');
    const weights = padWeights(spec, 1);
    for (const bad of [3, 24, 128, -8, 0.5]) {
      expect(() => exportOnnx(spec, weights, { padChannels: bad })).toThrow(ExportError);
    }
    expect(() => exportOnnx(spec, weights, { padChannels: 12 })).toThrow(
      /^@randwire\/onnx\/export-onnx: invalid padChannels \(12\): must be 0 or 1 \(off\) or a power of two 2\.\.64$/,
    );
  });
});

describe("exportOnnx: aggregation 'conv-add'", () => {
  const spec = handSpec({
    transform: 'sep-conv-3x3',
    height: 7,
    width: 7,
    imageChannels: 2,
    stages: [
      [6, 6, true],
      [5, 12, true],
    ],
  });
  const weights = randomWeights(spec, 5);
  const x = { data: normals(3 * 2 * 7 * 7, 12), shape: [3, 2, 7, 7] as [number, number, number, number] };

  it('gives the outputs of mul-sum (plain and padded, BN kept and folded) without Mul or Sum nodes', async () => {
    const ref = await runOnnx(exportOnnx(spec, weights), x);
    for (const padChannels of [0, 8]) {
      for (const foldBn of [false, true]) {
        const built = buildOnnxModel(spec, weights, { aggregation: 'conv-add', padChannels, foldBn });
        expect(built.summary.aggregation).toBe('conv-add');
        const ops = built.model.graph!.node!.map((n) => n.opType);
        expect(ops).not.toContain('Mul');
        expect(ops).not.toContain('Sum');
        const out = await runOnnx(onnx.ModelProto.encode(built.model).finish(), x);
        for (const o of ['logits', 'probs', 'features']) {
          expect(out[o]!.dims).toEqual(ref[o]!.dims);
          let d = 0;
          for (let i = 0; i < ref[o]!.data.length; i++)
            d = Math.max(d, Math.abs(out[o]!.data[i]! - ref[o]!.data[i]!));
          expect(d).toBeLessThanOrEqual(1e-5 * Math.max(1, ...Array.from(ref[o]!.data, Math.abs)));
        }
      }
    }
  });

  it('writes one 1x1 depthwise Conv per input and a chain of Adds ending in the agg name', () => {
    const graph = buildOnnxModel(spec, weights, { aggregation: 'conv-add', padChannels: 8 }).model.graph!;
    const byName = new Map(graph.node!.map((n) => [n.name!, n]));
    const stage = spec.stages[1]!;
    const node = stage.nodes.find((n) => n.inputs.length === 2)!;
    const names = nodeLayerNames(stage, node);
    expect(byName.get(names.agg)!.opType).toBe('Add');
    expect(byName.get(names.agg)!.input).toEqual([`${names.agg}/scale0`, `${names.agg}/scale1`]);
    const scale = byName.get(`${names.agg}/scale1`)!;
    expect(scale.opType).toBe('Conv');
    expect(Number(scale.attribute!.find((a) => a.name === 'group')!.i)).toBe(16); // 12 padded to 16
    const w = graph.initializer!.find((t) => t.name === `${names.agg}/weight1`)!;
    expect(w.dims!.map(Number)).toEqual([16, 1, 1, 1]);
    const logit = weights.get(`${names.agg}/logits`)!.data[1]!;
    const values = new Float32Array(Uint8Array.from(w.rawData!).buffer);
    expect(new Set(values)).toEqual(new Set([Math.fround(1 / (1 + Math.exp(-logit)))]));
    expect(
      readOnnxMetadata(exportOnnx(spec, weights, { aggregation: 'conv-add' })).metadata[
        METADATA_KEYS.aggregation
      ],
    ).toBe('conv-add');
    expect(readOnnxMetadata(exportOnnx(spec, weights)).metadata[METADATA_KEYS.aggregation]).toBe('mul-sum');
  });

  it('rejects an unknown aggregation', () => {
    expect(() => exportOnnx(spec, weights, { aggregation: 'concat' as never })).toThrow(
      /invalid aggregation \(concat\): must be one of mul-sum, conv-add/,
    );
  });
});
