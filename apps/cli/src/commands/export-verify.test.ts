/**
 * @jest-environment ../../packages/onnx/jest.environment.js
 */
// `randwire export` and `randwire verify` end to end on the tiny fixture spec (tfjs cpu).
// The environment shares typed arrays with onnxruntime-node's native outputs (see there).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NetworkSpec } from '@randwire/spec';
import { buildModel, saveModelToDir } from '@randwire/tfjs';
import type { CommandContext } from '../cli';
import { main } from '../main';

function capture(): CommandContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), isTTY: false };
}

const spec = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../../../packages/spec/fixtures/tiny.json'), 'utf8'),
) as NetworkSpec;
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
});
