// `randwire eval` on onnxruntime (the default: the run's weights exported in memory) and on
// tfjs give the same results on the embedded Fashion-MNIST test set (1,000 images).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handSpec } from '@randwire/spec/testing';
import { runCli } from '../test-utils/cli';

describe('randwire eval --engine', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-eval-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('onnxruntime and tfjs give the same accuracy, per-class counts and confusion on the embedded test set', async () => {
    // A small 28x28 network with a separable and a max-pooling stage, trained briefly (so
    // that its predictions depend on the image and its batch norms have moving statistics).
    const base = handSpec({ height: 28, width: 28, classes: 10, name: 'eval-28' });
    const spec = {
      ...base,
      batchNorm: { epsilon: 1e-3, momentum: 0.9 }, // moving statistics that follow a short run
      stages: base.stages.map((s, i) => (i === 1 ? { ...s, transform: 'max-pool-conv-1x1' as const } : s)),
    };
    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const runDir = join(dir, 'run');
    const t = await runCli([
      'train',
      specPath,
      ...['--data', 'embedded', '--limit', '2048', '--epochs', '1'],
      ...['--batch-size', '32', '--lr', '0.05', '-o', runDir, '--json'],
    ]);
    expect(t.code).toBe(0);

    const ort = await runCli(['eval', runDir, '--json']);
    expect(ort.code).toBe(0);
    expect(ort.stderr).toMatch(/^engine: onnxruntime/m);
    const tfjs = await runCli(['eval', runDir, '--engine', 'tfjs', '--backend', 'wasm', '--json']);
    expect(tfjs.code).toBe(0);
    const a = JSON.parse(ort.stdout);
    const b = JSON.parse(tfjs.stdout);
    expect([a.engine, a.backend, b.engine, b.backend]).toEqual(['onnxruntime', null, 'tfjs', 'wasm']);
    expect(a.count).toBe(1000);
    expect(a.accuracy).toBeGreaterThan(0.2); // learned something (10 classes: chance is 0.1)
    expect(a.accuracy).toBe(b.accuracy);
    expect(a.perClass).toEqual(b.perClass);
    expect(a.confusion).toEqual(b.confusion);
    expect(JSON.parse(t.stdout).final.testAcc).toBe(a.accuracy); // train's evaluation (onnxruntime)
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5 * b.loss);

    const bad = await runCli(['eval', runDir, '--engine', 'torch']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--engine.*'torch'.*onnxruntime, tfjs/);
  });
});
