import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GenerateSpecOptions, generateSpec, serializeSpec } from '@randwire/spec';
import { UserError } from './cli';
import { checkGraphSize, checkTrainingMemory, memory, trainingMemory } from './limits';
import { runCli } from './test-utils/cli';

const GiB = 2 ** 30;

describe('checkGraphSize', () => {
  it('estimates the DAG edges from the options and names them with the limit', () => {
    expect(() => checkGraphSize('graph', 'ws', 32, { k: 4, p: 0.75 })).not.toThrow();
    // 624,987,500 expected ER edges + up to 100,000 input/output edges.
    expect(() => checkGraphSize('graph', 'er', 50_000, { p: 0.5 })).toThrow(
      /^randwire graph: --model er --nodes 50000 --p 0.5 is too large: about 625,087,500 edges \(624,987,500 expected between nodes, up to 100,000 to the input\/output nodes\), above the limit of 500,000$/,
    );
    // At the limit exactly: WS n·k/2 + 2n = 500,000 for n = 125,000, k = 4.
    expect(() => checkGraphSize('graph', 'ws', 125_000, { k: 4, p: 0 })).not.toThrow();
    expect(() => checkGraphSize('graph', 'ws', 125_001, { k: 4, p: 0 })).toThrow(UserError);
    expect(() => checkGraphSize('graph', 'ba', 10_000_000, { m: 5 })).toThrow(/about 69,999,975 edges/);
  });
});

describe('trainingMemory', () => {
  // Peak RSS (/usr/bin/time %M) of `randwire train SPEC --data synthetic --epochs 1 --limit 128
  // (or 64) --test-limit T --batch-size B` on the 2-core reference machine, November 2026: the higher of
  // the tfjs (wasm) and onnxruntime engines.
  const specs: Record<string, GenerateSpecOptions> = {
    'mnist-small': { preset: 'mnist-small', seed: 0 },
    'cifar-small': { preset: 'cifar-small', seed: 0 },
    activations: {
      seed: 0,
      input: { height: 64, width: 64, channels: 3 },
      classes: 10,
      stem: [{ channels: 32, stride: 1 }],
      stages: [
        { nodes: 8, channels: 64, downsample: false },
        { nodes: 8, channels: 128 },
      ],
    },
    parameters: {
      seed: 0,
      input: { height: 28, width: 28, channels: 1 },
      classes: 10,
      stem: [{ channels: 16, stride: 2 }],
      stages: [
        { nodes: 8, channels: 1024 },
        { nodes: 8, channels: 2048 },
      ],
    },
  };
  const measured: Array<[string, number, number, number]> = [
    // spec, batch size, test limit, peak RSS in KiB
    ['mnist-small', 64, 64, 1_245_256],
    ['mnist-small', 64, 512, 1_218_724],
    ['cifar-small', 64, 64, 4_307_584],
    ['cifar-small', 32, 64, 3_616_024],
    ['activations', 16, 16, 4_282_384],
    ['activations', 4, 16, 1_484_960],
    ['parameters', 64, 64, 5_258_352],
    ['parameters', 8, 16, 2_468_956], // onnxruntime; tfjs 2,419,972
  ];

  it.each(measured)(
    '%s at batch %i (test %i): at least the measured peak, at most 1.6 times it',
    (name, batch, test, kib) => {
      const spec = generateSpec(specs[name]!);
      const estimate = trainingMemory(spec, batch, Math.min(256, test)).bytes;
      expect(estimate).toBeGreaterThanOrEqual(kib * 1024);
      expect(estimate).toBeLessThanOrEqual(1.6 * kib * 1024);
    },
  );

  it('adds the confusion matrix of the evaluation, which grows with classes squared', () => {
    const spec = generateSpec({ ...specs['mnist-small']!, classes: 100_000 });
    const e = trainingMemory(spec, 64, 256);
    expect(e.evalBytes).toBe(8e10);
    expect(trainingMemory(spec, 64, 0).evalBytes).toBe(0);
  });
});

describe('checkTrainingMemory', () => {
  const original = memory.available;
  afterEach(() => {
    memory.available = original;
  });
  // The spec of issue 14: 977,912,180 parameters, 42.2 G multiply-adds (just under the
  // validator's 1e9-parameter bound); training it used to start and grow to 7 GB RSS.
  const huge = generateSpec({ preset: 'mnist-small', channels: 1800, seed: 0 });

  it('refuses, naming the file, the estimate, its parts and the memory available', () => {
    memory.available = () => 16 * GiB;
    expect(() => checkTrainingMemory('train', 'huge.json', huge, 64, 256, false, () => {})).toThrow(
      /^randwire train: huge\.json needs an estimated 98\.9 GiB to train at --batch-size 64 \(977,912,180 parameters: 43\.7 GiB; activations: 54\.7 GiB\), above the 16\.0 GiB of memory available: lower --batch-size or the network's size, or pass --force-memory to train anyway$/,
    );
  });

  it('with force, warns with the estimate instead', () => {
    memory.available = () => 16 * GiB;
    const warnings: string[] = [];
    checkTrainingMemory('train', 'huge.json', huge, 64, 256, true, (w) => warnings.push(w));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^warning: huge\.json needs an estimated 98\.9 GiB .*; training anyway \(--force-memory\)$/,
      ),
    ]);
  });

  it('lets a run through that fits, silently', () => {
    memory.available = () => 2 * GiB;
    const warnings: string[] = [];
    checkTrainingMemory(
      'train',
      'ms.json',
      generateSpec({ preset: 'mnist-small', seed: 0 }),
      64,
      256,
      false,
      (w) => warnings.push(w),
    );
    expect(warnings).toEqual([]);
  });

  it('randwire train refuses before reading data or creating the run directory', async () => {
    memory.available = () => 16 * GiB;
    const dir = mkdtempSync(join(tmpdir(), 'rw-limits-'));
    try {
      const specPath = join(dir, 'huge.json');
      writeFileSync(specPath, serializeSpec(huge));
      const r = await runCli([
        'train',
        specPath,
        '-o',
        join(dir, 'run'),
        '--data',
        'fashion-mnist=/nonexistent',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: randwire train: .*huge\.json needs an estimated 98\.9 GiB/);
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(existsSync(join(dir, 'run'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
