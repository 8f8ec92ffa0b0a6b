import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CheckpointState,
  checkpointFileName,
  datasetFingerprint,
  decodeCheckpoint,
  encodeCheckpoint,
  listCheckpoints,
  pruneCheckpoints,
  readCheckpoint,
  stableStringify,
  writeCheckpoint,
} from './checkpoint';
import { CheckpointError } from './errors';

const state: CheckpointState = {
  epoch: 2,
  batch: 1,
  step: 7,
  specHash: 'abc',
  data: { train: 'd1', test: null },
  options: { lr: 0.1, seed: 0 },
  epochProgress: { lossSum: 1.5, correct: 3, seen: 4, seconds: 0.25 },
  weights: [
    { name: 'a/kernel', shape: [2, 2], values: Float32Array.from([1, -2, 3.5, Number.MAX_VALUE]) },
    { name: 'a/bias', shape: [1], values: Float32Array.from([0.125]) },
  ],
  momentum: [{ name: 'a/kernel', shape: [2, 2], values: Float32Array.from([0, 0, -1e-8, 7]) }],
};

describe('checkpoint encoding', () => {
  it('round-trips every field and value exactly', () => {
    const back = decodeCheckpoint(encodeCheckpoint(state), 'mem');
    expect(back).toEqual(state);
  });

  it('names the file and the problem for bad magic, truncation and corruption', () => {
    const bytes = encodeCheckpoint(state);
    expect(() => decodeCheckpoint(Buffer.from('hello world!!'), 'x.ckpt')).toThrow(
      /x\.ckpt: not a randwire checkpoint/,
    );
    expect(() => decodeCheckpoint(bytes.subarray(0, 40), 'x.ckpt')).toThrow(/x\.ckpt: truncated/);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4), 'x.ckpt')).toThrow(
      /x\.ckpt: truncated/,
    );
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
    expect(() => decodeCheckpoint(flipped, 'x.ckpt')).toThrow(/x\.ckpt: corrupt \(SHA-256/);
    const badHeader = Buffer.from(bytes);
    badHeader[12] = 0x41;
    expect(() => decodeCheckpoint(badHeader, 'x.ckpt')).toThrow(CheckpointError);
  });

  it('rejects a tensor whose values do not fit its shape', () => {
    const bad = { ...state, weights: [{ name: 'w', shape: [3], values: new Float32Array(2) }] };
    expect(() => encodeCheckpoint(bad)).toThrow(/'w' has 2 values, shape \[3\] needs 3/);
  });
});

describe('checkpoint files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'randwire-ckpt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes atomically (no temp file left), lists by step and prunes the oldest', () => {
    for (const s of [12, 3, 100]) writeCheckpoint(join(dir, checkpointFileName(s)), { ...state, step: s });
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(readdirSync(dir).sort()).toEqual([
      'notes.txt',
      'step-000000003.ckpt',
      'step-000000012.ckpt',
      'step-000000100.ckpt',
    ]);
    expect(listCheckpoints(dir).map((p) => readCheckpoint(p).step)).toEqual([3, 12, 100]);
    pruneCheckpoints(dir, 2);
    expect(listCheckpoints(dir).map((p) => readCheckpoint(p).step)).toEqual([12, 100]);
    expect(() => readCheckpoint(join(dir, 'missing.ckpt'))).toThrow(/missing\.ckpt: cannot read/);
  });
});

describe('fingerprints', () => {
  it('stableStringify ignores key order', () => {
    expect(stableStringify({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(
      stableStringify({ a: [{ c: 3, d: 2 }], b: 1 }),
    );
    expect(stableStringify({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('datasetFingerprint changes with one pixel or label', () => {
    const ds = {
      images: new Uint8Array(8),
      labels: new Uint8Array(2),
      count: 2,
      height: 2,
      width: 2,
      channels: 1,
      classes: 2,
    };
    const f = datasetFingerprint(ds);
    expect(datasetFingerprint({ ...ds, images: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1]) })).not.toBe(f);
    expect(datasetFingerprint({ ...ds, labels: Uint8Array.from([0, 1]) })).not.toBe(f);
    expect(datasetFingerprint({ ...ds })).toBe(f);
  });
});
