import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeLayerNames, parameterList } from '@randwire/spec';
import { onnx } from 'onnx-proto';
import { ExportError } from './errors';
import { EXPORT_DEFAULTS, exportOnnx, MAX_OPSET, MIN_OPSET } from './export-onnx';
import { exportRunDir } from './export-run-dir';
import { METADATA_KEYS, readOnnxMetadata } from './metadata';
import { OnnxSession, runOnnx } from './run-onnx';
import { normals, randomWeights } from './test-utils/reference';
import { writeWeightsRunDir } from './test-utils/run-dir';
import { handSpec } from './test-utils/specs';

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
