/**
 * @jest-environment ../../jest.environment.js
 */
// The environment shares typed arrays with onnxruntime-node's native outputs (OnnxTrainStep).
// RSS values are not asserted (they depend on the process): only the shape and the plumbing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { generateSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { DEBIAN_PYTHON } from '../python-worker';
import {
  MEMORY_ORT_STEPS,
  MEMORY_ORT_THREADS,
  measureTorchTrainingMemory,
  measureTrainingMemory,
  memoryRuns,
  RSS_LEAK,
  rssLeak,
  type TrainingMemoryOptions,
} from './memory';

const tiny: TrainingMemoryOptions = {
  preset: 'mnist-small',
  nodes: 6,
  channels: 8,
  batch: 4,
  steps: 3,
  backend: 'cpu',
};

describe('measureTrainingMemory', () => {
  it('defaults to the tfjs engine: tf.memory() after each step, constant across steps', async () => {
    const o: TrainingMemoryOptions = { ...tiny, backend: 'wasm' };
    const r = await measureTrainingMemory(o);
    expect(r.options).toEqual(o);
    expect(r.numTensors).toHaveLength(tiny.steps);
    expect(new Set(r.numTensors).size).toBe(1);
    expect(r.numTensors[0]).toBeGreaterThan(0);
    expect(r.rssAfterStepMiB).toHaveLength(tiny.steps + 1);
    expect(r.stepPeakTensorMiB).toBeGreaterThan(0);
    expect(r.rssGrowthMiB).toBeNull();
    expect(r.rssLeakBoundMiB).toBeNull();
    expect(r.leak).toBe(false);
    expect(r.rssPeakMiB).toBeGreaterThan(0);
  });

  it('runs steps+1 onnxruntime steps and leaves no tfjs tensor behind (the weights model is disposed)', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const o: TrainingMemoryOptions = { ...tiny, engine: 'onnxruntime', threads: 1 };
    const r = await measureTrainingMemory(o);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.options).toEqual(o);
    expect(r.rssAfterStepMiB).toHaveLength(tiny.steps + 1);
    for (const x of r.rssAfterStepMiB) expect(x).toBeGreaterThan(0);
    expect(r.numTensors).toEqual([]);
    expect(r.stepPeakTensorMiB).toBeNull();
    // the verdict is rssLeak's on the recorded RSS (its value depends on the process: not asserted)
    expect({ growthMiB: r.rssGrowthMiB, boundMiB: r.rssLeakBoundMiB, leak: r.leak }).toEqual(
      rssLeak(r.rssAfterStepMiB),
    );
  });

  it('rejects an unknown engine', async () => {
    await expect(
      measureTrainingMemory({ ...tiny, engine: 'pytorch' as TrainingMemoryOptions['engine'] }),
    ).rejects.toThrow(/^memory: unknown engine 'pytorch'/);
  });
});

describe('rssLeak', () => {
  it('allows the arena growth of the first steps, then max(50 MiB, 5%) after step 2', () => {
    expect(RSS_LEAK).toEqual({ fromStep: 2, fraction: 0.05, minMiB: 50 });
    // measured shape of a configuration-B run: a jump at step 2, then flat
    expect(rssLeak([1434, 2642, 2643, 2644, 2645])).toEqual({ growthMiB: 3, boundMiB: 132.1, leak: false });
    expect(rssLeak([300, 400, 420, 449])?.leak).toBe(false); // 49 MiB < 50 MiB
    expect(rssLeak([300, 400, 420, 451])).toEqual({ growthMiB: 51, boundMiB: 50, leak: true });
    // 35 MiB a step (one copy of B's weights and momentum) over 9 steps
    expect(rssLeak(Array.from({ length: 11 }, (_, i) => 2600 + 35 * i))?.leak).toBe(true);
  });

  it('needs a step after step 2', () => {
    expect(rssLeak([])).toBeNull();
    expect(rssLeak([100, 200])).toBeNull();
  });
});

describe('memoryRuns', () => {
  it('full: B on wasm at 64/32/16, onnxruntime on A at 64 and B at 64 and 32', () => {
    const runs = memoryRuns(false, true, 'wasm');
    expect(runs.map((r) => [r.options.engine, r.options.preset, r.options.batch])).toEqual([
      ['tfjs', 'cifar-small', 64],
      ['tfjs', 'cifar-small', 32],
      ['tfjs', 'cifar-small', 16],
      ['onnxruntime', 'mnist-small', 64],
      ['onnxruntime', 'cifar-small', 64],
      ['onnxruntime', 'cifar-small', 32],
    ]);
    for (const r of runs.slice(3)) {
      expect(r.options).toMatchObject({
        steps: MEMORY_ORT_STEPS,
        threads: MEMORY_ORT_THREADS,
        backend: 'cpu',
      });
      expect(r.label).toMatch(/onnxruntime/);
    }
    // no child process: only the wasm batch that fits next to the others
    expect(memoryRuns(false, false, 'wasm').filter((r) => r.options.engine === 'tfjs')).toHaveLength(1);
  });

  it('quick: one small network per engine', () => {
    const runs = memoryRuns(true, false, 'wasm');
    expect(runs.map((r) => r.options.engine)).toEqual(['tfjs', 'onnxruntime']);
    for (const r of runs) expect(r.options).toMatchObject({ preset: 'mnist-small', nodes: 8, batch: 8 });
  });
});

describe('measureTorchTrainingMemory', () => {
  it('reports the peak RSS of a fresh PyTorch process training the spec (or why it cannot)', async () => {
    const spec = generateSpec({ preset: 'mnist-small', seed: 0, nodes: 6, channels: 8 });
    const torch =
      existsSync(DEBIAN_PYTHON) &&
      spawnSync(DEBIAN_PYTHON, [
        '-c',
        'import importlib.util,sys; sys.exit(importlib.util.find_spec("torch") is None)',
      ]).status === 0;
    if (!torch) {
      await expect(measureTorchTrainingMemory(spec, 2, 1, 1)).rejects.toThrow(/^memory: /);
      return;
    }
    const r = await measureTorchTrainingMemory(spec, 2, 1, 1);
    expect(r).toEqual({
      torch: expect.any(String),
      batch: 2,
      steps: 2,
      threads: 1,
      rssPeakMiB: expect.any(Number),
    });
    expect(r.rssPeakMiB).toBeGreaterThan(0);
  }, 60_000);
});
