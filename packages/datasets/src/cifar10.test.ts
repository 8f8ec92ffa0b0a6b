import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CIFAR10_CLASS_NAMES, CIFAR10_FILES, CIFAR10_RECORD_BYTES, readCifar10 } from './cifar10';
import { DatasetFormatError, DatasetNotFoundError } from './errors';
import { tempDir, writeBytes } from './test-utils/files';

/** Pixel value of record (file f, record r) at channel c, row y, column x: distinct per position. */
const px = (f: number, r: number, c: number, y: number, x: number) =>
  (f * 31 + r * 17 + c * 71 + y * 5 + x * 3) % 256;

function batch(f: number, labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * CIFAR10_RECORD_BYTES);
  labels.forEach((label, r) => {
    const base = r * CIFAR10_RECORD_BYTES;
    out[base] = label;
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) out[base + 1 + c * 1024 + y * 32 + x] = px(f, r, c, y, x);
  });
  return out;
}

describe('readCifar10', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());
  const root = join(t.dir, 'cifar');
  const bin = join(root, 'cifar-10-batches-bin');
  mkdirSync(bin, { recursive: true });
  CIFAR10_FILES.train.forEach((name, f) => {
    writeBytes(join(bin, f === 2 ? `${name}.gz` : name), batch(f, [f, 9 - f]), f === 2);
  });
  writeBytes(join(bin, 'test_batch.bin'), batch(7, [3, 1, 4]));

  it('reads the test batch and converts CHW records to HWC', () => {
    const ds = readCifar10(bin, 'test');
    expect(ds).toMatchObject({ count: 3, height: 32, width: 32, channels: 3, classes: 10 });
    expect(ds.labels).toEqual(Uint8Array.from([3, 1, 4]));
    expect(ds.classNames).toEqual(CIFAR10_CLASS_NAMES);
    for (const [r, y, x, c] of [
      [0, 0, 0, 0],
      [1, 5, 31, 2],
      [2, 31, 7, 1],
    ] as const) {
      expect(ds.images[((r * 32 + y) * 32 + x) * 3 + c]).toBe(px(7, r, c, y, x));
    }
  });

  it('reads all five training batches in order (one gzipped), from the parent folder too', () => {
    const ds = readCifar10(root, 'train');
    expect(ds.count).toBe(10);
    expect([...ds.labels]).toEqual([0, 9, 1, 8, 2, 7, 3, 6, 4, 5]);
    // Example 5 = file 2 (gzipped), record 1.
    expect(ds.images[((5 * 32 + 2) * 32 + 3) * 3 + 1]).toBe(px(2, 1, 1, 2, 3));
    expect(ds.source).toContain('data_batch_3.bin.gz');
  });

  it('takes class names from batches.meta.txt', () => {
    const dir = join(t.dir, 'meta');
    mkdirSync(dir);
    writeBytes(join(dir, 'test_batch.bin'), batch(0, [0]));
    const names = Array.from({ length: 10 }, (_, i) => `class-${i}`);
    writeFileSync(join(dir, 'batches.meta.txt'), `${names.join('\n')}\n\n`);
    expect(readCifar10(dir, 'test').classNames).toEqual(names);
    writeFileSync(join(dir, 'batches.meta.txt'), 'a\nb\n');
    expect(() => readCifar10(dir, 'test')).toThrow(/batches\.meta\.txt: found 2 class names, expected 10/);
  });

  it('rejects a file whose size is not a whole number of records', () => {
    const dir = join(t.dir, 'short');
    mkdirSync(dir);
    writeBytes(join(dir, 'test_batch.bin'), batch(0, [1, 2]).subarray(0, 2 * CIFAR10_RECORD_BYTES - 5));
    expect(() => readCifar10(dir, 'test')).toThrow(DatasetFormatError);
    expect(() => readCifar10(dir, 'test')).toThrow(
      /test_batch\.bin: wrong size 6141 bytes: expected a non-zero multiple of 3073 .*1 whole records \+ 3068 bytes/,
    );
  });

  it('rejects a label outside 0..9', () => {
    const dir = join(t.dir, 'label');
    mkdirSync(dir);
    writeBytes(join(dir, 'test_batch.bin'), batch(0, [1, 10]));
    expect(() => readCifar10(dir, 'test')).toThrow(/test_batch\.bin: record 1 has label 10: expected 0\.\.9/);
  });

  it('names a missing batch file or folder and says what to pass', () => {
    const dir = join(t.dir, 'partial');
    mkdirSync(dir);
    writeBytes(join(dir, 'data_batch_1.bin'), batch(0, [1]));
    expect(() => readCifar10(dir, 'train')).toThrow(DatasetNotFoundError);
    expect(() => readCifar10(dir, 'train')).toThrow(
      /data_batch_2\.bin: no such file; pass --data cifar10=PATH/,
    );
    expect(() => readCifar10(join(t.dir, 'none'), 'test')).toThrow(/folder .*none not found/);
  });
});
