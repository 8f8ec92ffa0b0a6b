// runPoint: a finished point is never redone; an interrupted one resumes and ends with exactly
// the weights of an uninterrupted run; one killed before its first checkpoint starts over; a
// live lock keeps a second process out, a stale one is taken over.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkSpec } from '@randwire/spec';
import { makePoint, type SweepPoint } from '@randwire/studies';
import { resolveTrainOptions } from '@randwire/tfjs';
import { TINY_SPEC_PATH } from '../test-utils/cli';
import { LockBusyError } from './lock-file';
import { POINT_FILES, runPoint } from './run-point';

const spec = JSON.parse(readFileSync(TINY_SPEC_PATH, 'utf8')) as NetworkSpec;

function tinyPoint(seed = 0): SweepPoint {
  return makePoint({
    theta: { preset: 'custom' },
    seed,
    spec,
    recipe: {
      train: { ...resolveTrainOptions({ epochs: 2, batchSize: 16, seed }) },
      data: { data: 'synthetic', limit: 64, testLimit: 32 },
      engine: 'auto',
    },
  });
}

const weightsOf = (dir: string) => readFileSync(join(dir, 'model', 'weights.bin'));

describe('runPoint', () => {
  let root: string;
  let reference: { dir: string; testAcc: number };
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'rw-point-'));
    const dir = join(root, 'reference');
    const out = await runPoint(tinyPoint(), dir, { threads: 1, backend: 'wasm' });
    if (out.status !== 'completed') throw new Error('the reference run did not complete');
    reference = { dir, testAcc: out.result.testAcc };
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes an ordinary run directory with point.json and result.json; a rerun reuses it', async () => {
    for (const f of [
      'spec.json',
      'train-config.json',
      'metrics.jsonl',
      'model/weights.bin',
      'point.json',
      'result.json',
    ]) {
      expect(existsSync(join(reference.dir, f))).toBe(true);
    }
    expect(existsSync(join(reference.dir, POINT_FILES.lock))).toBe(false);
    const result = JSON.parse(readFileSync(join(reference.dir, 'result.json'), 'utf8'));
    expect(result).toMatchObject({
      id: tinyPoint().id,
      seed: 0,
      epochs: 2,
      engine: 'onnxruntime',
      spec: 'tiny-handmade',
    });
    expect(result.params).toBeGreaterThan(0);
    const config = JSON.parse(readFileSync(join(reference.dir, 'train-config.json'), 'utf8'));
    expect(config.dataChoice).toEqual({ data: 'synthetic', limit: 64, testLimit: 32 });
    const before = weightsOf(reference.dir);
    const again = await runPoint(tinyPoint(), reference.dir, { threads: 1, backend: 'wasm' });
    expect(again).toMatchObject({ status: 'completed', reused: true });
    expect(weightsOf(reference.dir).equals(before)).toBe(true);
  });

  it('resumes an interrupted point and ends with the weights of an uninterrupted run', async () => {
    const dir = join(root, 'interrupted');
    const ac = new AbortController();
    const first = await runPoint(tinyPoint(), dir, {
      threads: 1,
      backend: 'wasm',
      signal: ac.signal,
      onProgress: (p) => {
        if (p.step === 5) ac.abort(); // mid-epoch 2 (4 steps per epoch)
      },
    });
    expect(first).toEqual({ status: 'interrupted', step: 5 });
    expect(existsSync(join(dir, 'result.json'))).toBe(false);
    const second = await runPoint(tinyPoint(), dir, { threads: 1, backend: 'wasm' });
    expect(second).toMatchObject({ status: 'completed', reused: false });
    if (second.status === 'completed') expect(second.result.testAcc).toBe(reference.testAcc);
    expect(weightsOf(dir).equals(weightsOf(reference.dir))).toBe(true);
  });

  it('starts over a point killed before its first checkpoint', async () => {
    const dir = join(root, 'killed-early');
    await runPoint(tinyPoint(), dir, { threads: 1, backend: 'wasm' });
    // What a kill -9 during epoch 1 leaves: the run files, no checkpoint, no result.
    rmSync(join(dir, 'result.json'));
    rmSync(join(dir, 'checkpoints'), { recursive: true });
    writeFileSync(join(dir, 'metrics.jsonl'), '');
    const out = await runPoint(tinyPoint(), dir, { threads: 1, backend: 'wasm' });
    expect(out).toMatchObject({ status: 'completed', reused: false });
    expect(weightsOf(dir).equals(weightsOf(reference.dir))).toBe(true);
  });

  it('refuses a point locked by a live process and takes over a stale lock', async () => {
    const dir = join(root, 'locked');
    mkdirSync(dir, { recursive: true });
    const lock = join(dir, POINT_FILES.lock);
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), since: 'now' }));
    await expect(runPoint(tinyPoint(), dir, { threads: 1, backend: 'wasm' })).rejects.toThrow(LockBusyError);
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: 'then' })); // no such pid
    const out = await runPoint(tinyPoint(), dir, { threads: 1, backend: 'wasm' });
    expect(out.status).toBe('completed');
  });

  it('refuses a directory that holds another point, and a changed payload', async () => {
    await expect(runPoint(tinyPoint(1), reference.dir)).rejects.toThrow(/holds point [0-9a-f]{16}, not /);
    const tampered = JSON.parse(JSON.stringify(tinyPoint()));
    tampered.recipe.train.lr = 0.5;
    await expect(runPoint(tampered, join(root, 'x'))).rejects.toThrow(
      /\/id: is [0-9a-f]{16}, but \(spec, recipe\) hash to/,
    );
  });
});
