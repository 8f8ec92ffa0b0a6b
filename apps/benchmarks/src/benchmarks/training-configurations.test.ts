import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NetworkSpec, parameterList, parseSpec } from '@randwire/spec';
import { buildModel, selectBackend } from '@randwire/tfjs';
import { DEBIAN_PYTHON } from '../python-worker';
import { CONFIGURATIONS, configurationSpec, specCost, TorchReference } from './training-configurations';

// PyTorch comes from Debian's python3-torch. CI installs it, so there a missing torch FAILS the
// test; on a machine without it the test is skipped with a note.
const probe = spawnSync(DEBIAN_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const torchMissing = probe.error
  ? `${DEBIAN_PYTHON} not runnable (${probe.error.message})`
  : probe.status !== 0
    ? `${DEBIAN_PYTHON} cannot import torch (${(probe.stderr ?? '').trim().split('\n').pop()})`
    : null;
const runTorch = torchMissing == null || Boolean(process.env['CI']);
if (!runTorch)
  console.log(`skipping the PyTorch parameter-count test: ${torchMissing} (install python3-torch)`);
const torchIt = runTorch ? it : it.skip;

const tiny = parseSpec(
  readFileSync(join(__dirname, '..', '..', '..', '..', 'packages', 'spec', 'fixtures', 'tiny.json'), 'utf8'),
);

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function tfjsCounts(spec: NetworkSpec): { params: number; trainableParams: number } {
  const model = buildModel(spec, { seed: 0 });
  try {
    const trainableParams = model.trainableWeights.reduce((a, w) => a + size(w.shape as number[]), 0);
    return { params: model.countParams(), trainableParams };
  } finally {
    model.dispose();
  }
}

describe('configurations A and B', () => {
  it('have the sizes issue 6 states (about 16.0 M / 186 M multiply-adds, 0.41 M / 4.4 M parameters)', () => {
    const [a, b] = CONFIGURATIONS.map((c) => specCost(configurationSpec(c)));
    expect(a!.multiplyAdds / 1e6).toBeCloseTo(16, 0);
    expect(a!.params / 1e6).toBeCloseTo(0.4, 1);
    expect(b!.multiplyAdds / 1e6).toBeGreaterThan(180);
    expect(b!.multiplyAdds / 1e6).toBeLessThan(192);
    expect(b!.params / 1e6).toBeCloseTo(4.35, 1);
  });
});

describe('the PyTorch reference (reference/torch_randwire.py)', () => {
  torchIt(
    'builds the same network as tfjs from the same spec: equal parameter counts (tiny, A, B)',
    async () => {
      await selectBackend('cpu');
      const started = await TorchReference.start({ quick: true, reference: true, log: () => {} }, 'test');
      if (typeof started === 'string') throw new Error(`PyTorch reference did not start: ${started}`);
      try {
        const specs = [tiny, ...CONFIGURATIONS.map(configurationSpec)];
        for (const [i, spec] of specs.entries()) {
          const torch = await started.load(`s${i}`, spec);
          const tfjs = tfjsCounts(spec);
          const list = parameterList(spec);
          expect({ spec: spec.name, ...torch }).toEqual({ spec: spec.name, ...tfjs });
          expect(torch.params).toBe(list.reduce((a, p) => a + size(p.shape), 0));
          expect(torch.trainableParams).toBe(
            list.filter((p) => p.trainable).reduce((a, p) => a + size(p.shape), 0),
          );
        }
        // one timed training step of the tiny network: operations are images
        const sample = await started.reference('s0', 'train', 4);
        if (!('sample' in sample)) throw new Error('expected a runnable reference');
        const s = await sample.sample(0);
        expect(s.operations).toBe(4);
        expect(s.wallSeconds).toBeGreaterThan(0);
      } finally {
        started.stop();
      }
    },
    120_000,
  );
});
