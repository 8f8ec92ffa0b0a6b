/**
 * @jest-environment ../../jest.environment.js
 */
// The environment shares typed arrays with onnxruntime-node's native outputs.
import { spawnSync } from 'node:child_process';
import { measureCase, QUICK_SETTINGS } from '../harness';
import { DEBIAN_PYTHON } from '../python-worker';
import { LOOP_THREADS, trainingLoop } from './training-loop';

// CI installs python3-torch: there the PyTorch loop runs (a missing torch fails); elsewhere the
// case reports the reference as unavailable.
const torchHere = Boolean(process.env['CI']) || spawnSync(DEBIAN_PYTHON, ['-c', 'import torch']).status === 0;

describe('training-loop --quick', () => {
  it('times train() on the onnxruntime engine by its own clock, the bare step and PyTorch’s loop', async () => {
    const log: string[] = [];
    try {
      const cases = await trainingLoop.setup({ quick: true, reference: torchHere, log: (l) => log.push(l) });
      expect(cases.map((c) => c.name)).toEqual(['A training loop batch 8 (quick)']);
      const c = cases[0]!;
      expect(c.params).toMatchObject({ configuration: 'A', batch: 8, threads: LOOP_THREADS });
      expect(String(c.params['data'])).toMatch(/fashion-mnist/i);
      const result = await measureCase(c, QUICK_SETTINGS);
      expect(result.variants.map((v) => v.name)).toEqual([
        `randwire train (onnxruntime ${LOOP_THREADS} threads)`,
        `bare step (OnnxTrainStep.run, ${LOOP_THREADS} threads)`,
      ]);
      for (const v of result.variants) {
        expect(v.samples).toHaveLength(QUICK_SETTINGS.samples);
        expect(v.median).toBeGreaterThan(0);
        // whole steps of 8 images
        for (const s of v.samples) expect(s.operations % 8).toBe(0);
      }
      // The loop's samples are train() epochs of at least 2 steps, timed by train() itself.
      for (const s of result.variants[0]!.samples) {
        expect(s.operations).toBeGreaterThanOrEqual(16);
        expect(s.cpuSeconds).toBeGreaterThan(0);
      }
      if (torchHere) {
        expect(result.reference).toMatchObject({
          name: expect.stringMatching(/pytorch .* 2 threads \(training loop\)/),
        });
        expect((result.reference as { median: number }).median).toBeGreaterThan(0);
      } else {
        expect(result.reference).toMatchObject({ unavailable: expect.any(String) });
      }
    } finally {
      await trainingLoop.teardown?.();
    }
  });
});
