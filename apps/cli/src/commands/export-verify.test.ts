/**
 * @jest-environment ../../jest.environment.js
 */
// `randwire export`, `randwire verify` and `randwire predict model.onnx` end to end on the
// tiny fixture spec (tfjs cpu).
// The environment shares typed arrays with onnxruntime-node's native outputs (see there).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AGGREGATIONS, EXPORT_DEFAULTS, METADATA_KEYS, readOnnxMetadata } from '@randwire/onnx';
import type { NetworkSpec } from '@randwire/spec';
import { buildModel, saveModelToDir } from '@randwire/tfjs';
import { main } from '../main';
import { capture, runCli, TINY_SPEC_PATH } from '../test-utils/cli';
import { DEFAULT_AGGREGATION, EXPORT_AGGREGATIONS } from './export';

const spec = JSON.parse(fs.readFileSync(TINY_SPEC_PATH, 'utf8')) as NetworkSpec;
let tmp: string;

async function writeRun(dir: string, seed: number): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
  const model = buildModel(spec, { seed });
  await saveModelToDir(model, path.join(dir, 'model'));
  model.dispose();
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'randwire-cli-onnx-'));
  await writeRun(path.join(tmp, 'run'), 1);
  await writeRun(path.join(tmp, 'other'), 2);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const VERIFY = ['--data', 'synthetic', '--samples', '6', '--random', '3', '--backend', 'cpu'];

describe('randwire export / verify', () => {
  it('exports a run and verifies it within the tolerance (exit 0, JSON report)', async () => {
    const run = path.join(tmp, 'run');
    const out = path.join(tmp, 'tiny.onnx');
    const ex = capture();
    expect(await main(['export', run, '-o', out, '--fold-bn', '--json'], ex)).toBe(0);
    const summary = JSON.parse(ex.stdout.join('')) as {
      path: string;
      bytes: number;
      foldBn: boolean;
      opset: number;
    };
    expect(summary).toMatchObject({ path: out, foldBn: true, opset: 17 });
    expect(fs.statSync(out).size).toBe(summary.bytes);

    const v = capture();
    expect(await main(['verify', out, '--against', run, ...VERIFY, '--json'], v)).toBe(0);
    const report = JSON.parse(v.stdout.join('')) as {
      pass: boolean;
      tolerance: number;
      sets: Array<{ count: number; outputs: Record<string, { maxRel: number; top1Agreement: number }> }>;
    };
    expect(report.pass).toBe(true);
    expect(report.sets.map((s) => s.count)).toEqual([3, 6]);
    for (const s of report.sets) {
      expect(Object.keys(s.outputs).sort()).toEqual(['features', 'logits', 'probs']);
      expect(s.outputs['logits']!.maxRel).toBeLessThanOrEqual(report.tolerance);
    }
    const human = capture();
    expect(await main(['verify', out, '--against', run, ...VERIFY], human)).toBe(0);
    expect(human.stdout.join('\n')).toMatch(/tolerance: .* <= 0\.0001/);
    expect(human.stdout.at(-1)).toBe('PASS');
  });

  it('exports with --pad-channels and --aggregation: recorded, more parameters, and it still verifies against the run', async () => {
    const run = path.join(tmp, 'run');
    const out = path.join(tmp, 'tiny-pad16.onnx');
    const ex = capture();
    expect(
      await main(
        ['export', run, '-o', out, '--pad-channels', '16', '--aggregation', 'conv-add', '--json'],
        ex,
      ),
    ).toBe(0);
    const summary = JSON.parse(ex.stdout.join('')) as {
      padChannels: number;
      aggregation: string;
      parameters: number;
    };
    expect(summary).toMatchObject({ padChannels: 16, aggregation: 'conv-add' });
    expect(readOnnxMetadata(out).metadata[METADATA_KEYS.padChannels]).toBe('16');
    const plain = capture();
    expect(await main(['export', run, '-o', path.join(tmp, 'tiny-plain.onnx'), '--json'], plain)).toBe(0);
    const plainSummary = JSON.parse(plain.stdout.join('')) as { padChannels: number; parameters: number };
    expect(plainSummary.padChannels).toBe(0);
    expect(summary.parameters).toBeGreaterThan(plainSummary.parameters);

    const v = capture();
    expect(await main(['verify', out, '--against', run, ...VERIFY, '--json'], v)).toBe(0);
    expect(JSON.parse(v.stdout.join('')).pass).toBe(true);

    const human = capture();
    expect(await main(['export', run, '-o', out, '--pad-channels', '8'], human)).toBe(0);
    expect(human.stdout.join('\n')).toMatch(/channels zero-padded to multiples of 8, aggregation mul-sum/);
    const bad = capture();
    const badOut = path.join(tmp, 'bad-pad.onnx');
    expect(await main(['export', run, '-o', badOut, '--pad-channels', '12'], bad)).toBe(2);
    expect(bad.stderr.join('\n')).toMatch(
      /invalid --pad-channels '12': must be one of 0, 1, 2, 4, 8, 16, 32, 64/,
    );
    const badAgg = capture();
    expect(await main(['export', run, '-o', badOut, '--aggregation', 'concat'], badAgg)).toBe(2);
    expect(badAgg.stderr.join('\n')).toMatch(
      /invalid --aggregation 'concat': must be one of mul-sum, conv-add/,
    );
    expect(fs.existsSync(badOut)).toBe(false);
    // the help's copies of @randwire/onnx's values
    expect(EXPORT_AGGREGATIONS).toEqual(AGGREGATIONS);
    expect(DEFAULT_AGGREGATION).toBe(EXPORT_DEFAULTS.aggregation);
    const help = capture();
    expect(await main(['export', '--help'], help)).toBe(0);
    expect(help.stdout.join('\n')).toMatch(/--pad-channels N[\s\S]*multiples of 16/);
  });

  it('exits 1 when the model does not match the run', async () => {
    const out = path.join(tmp, 'other.onnx');
    expect(await main(['export', path.join(tmp, 'other'), '-o', out, '--json'], capture())).toBe(0);
    const v = capture();
    expect(await main(['verify', out, '--against', path.join(tmp, 'run'), ...VERIFY, '--json'], v)).toBe(1);
    expect(JSON.parse(v.stdout.join('')).pass).toBe(false);
  });

  it('reports user mistakes in one line with exit 2 and writes nothing', async () => {
    const e1 = capture();
    expect(await main(['export', path.join(tmp, 'nope'), '-o', path.join(tmp, 'x.onnx')], e1)).toBe(2);
    expect(e1.stderr.join('\n')).toMatch(/is not a run directory/);
    const e2 = capture();
    expect(
      await main(['export', path.join(tmp, 'run'), '-o', path.join(tmp, 'x.onnx'), '--opset', '9'], e2),
    ).toBe(2);
    expect(e2.stderr.join('\n')).toMatch(/invalid --opset '9'/);
    expect(fs.existsSync(path.join(tmp, 'x.onnx'))).toBe(false);
    const e3 = capture();
    expect(await main(['verify', path.join(tmp, 'tiny.onnx')], e3)).toBe(2);
    expect(e3.stderr.join('\n')).toMatch(/--against run\/ is required/);
  });

  it('predicts through an exported ONNX model as the run does through tfjs', async () => {
    const run = path.join(tmp, 'run');
    const out = path.join(tmp, 'predict.onnx');
    expect(await main(['export', run, '-o', out], capture())).toBe(0);
    // Two 12x12 grey images (resized to the model's 9x9 by fitImage), different patterns.
    const images = [0, 1].map((k) => {
      const file = path.join(tmp, `image-${k}.pgm`);
      const pixels = Buffer.from(Array.from({ length: 144 }, (_, i) => ((i * (7 + 24 * k)) % 251) & 255));
      fs.writeFileSync(file, Buffer.concat([Buffer.from('P5\n12 12\n255\n'), pixels]));
      return file;
    });
    type Predictions = {
      model?: string;
      run?: string;
      backend: string;
      predictions: Array<{ input: string; top: Array<{ class: number; name: string; prob: number }> }>;
    };
    const viaTfjs = await runCli(['predict', run, ...images, '--top', '3', '--backend', 'cpu', '--json']);
    expect(viaTfjs.code).toBe(0);
    const viaOnnx = await runCli(['predict', out, ...images, '--top', '3', '--json']);
    expect(viaOnnx.code).toBe(0);
    const a = JSON.parse(viaTfjs.stdout) as Predictions;
    const b = JSON.parse(viaOnnx.stdout) as Predictions;
    expect(a.run).toBe(run);
    expect(b).toMatchObject({ model: out, backend: 'onnxruntime' });
    expect(b.predictions.map((p) => p.input)).toEqual(images);
    b.predictions.forEach((p, i) => {
      const ref = a.predictions[i]!;
      expect(p.top.map((t) => t.class)).toEqual(ref.top.map((t) => t.class));
      // no train-config.json beside the model: 3 classes of unknown data are named by number
      expect(p.top.map((t) => t.name)).toEqual(p.top.map((t) => String(t.class)));
      p.top.forEach((t, j) => {
        expect(t.prob).toBeCloseTo(ref.top[j]!.prob, 4);
      });
      expect(p.top.reduce((s, t) => s + t.prob, 0)).toBeCloseTo(1, 4);
    });
    const human = await runCli(['predict', out, images[0]!, '--top', '1']);
    expect(human.code).toBe(0);
    expect(human.stdout.startsWith(`${images[0]}  `)).toBe(true);
    expect(human.stdout).toMatch(/ [012] \(\d+\.\d%\)$/);
  });
});
