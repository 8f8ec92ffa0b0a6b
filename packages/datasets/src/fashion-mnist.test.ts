import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetNotFoundError, DatasetOptionError } from './errors';
import {
  DEBIAN_FASHION_MNIST_DIR,
  EMBEDDED_FASHION_MNIST_COUNTS,
  EMBEDDED_FASHION_MNIST_DIR,
  embeddedFashionMnist,
  FASHION_MNIST_CLASS_NAMES,
  readFashionMnist,
  readMnist,
  type Split,
} from './fashion-mnist';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from './idx';
import { classCounts } from './image-dataset';
import { hex, idxBytes, pattern, tempDir, writeBytes } from './test-utils/files';

describe('embedded Fashion-MNIST subset', () => {
  it.each(['train', 'test'] as Split[])(
    '%s split has the documented count, shape and label range',
    (split) => {
      const ds = embeddedFashionMnist(split);
      const n = EMBEDDED_FASHION_MNIST_COUNTS[split];
      expect(ds).toMatchObject({ count: n, height: 28, width: 28, channels: 1, classes: 10 });
      expect(ds.images).toHaveLength(n * 28 * 28);
      expect(ds.labels).toHaveLength(n);
      expect(ds.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
      expect(ds.source).toBe(`embedded:fashion-mnist/${split} (first ${n})`);
      const counts = classCounts(ds);
      // Every class present, none dominant (Fashion-MNIST is balanced).
      expect(Math.min(...counts)).toBeGreaterThan(n / 20);
      expect(Math.max(...counts)).toBeLessThan(n / 5);
    },
  );

  it('ships files matching data/fashion-mnist/SHA256SUMS', () => {
    // The sums are written by scripts/make-embedded-fashion-mnist.js, whose --check mode
    // verifies the files against Debian's dataset-fashion-mnist.
    const lines = readFileSync(join(EMBEDDED_FASHION_MNIST_DIR, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const [sum, file] = line.split(/\s+/);
      const bytes = readFileSync(join(EMBEDDED_FASHION_MNIST_DIR, file!));
      expect(`${file} ${createHash('sha256').update(bytes).digest('hex')}`).toBe(`${file} ${sum}`);
    }
  });

  it('reads the embedded folder with readFashionMnist too', () => {
    const ds = readFashionMnist(EMBEDDED_FASHION_MNIST_DIR, 'test');
    expect(hex(ds.images)).toBe(hex(embeddedFashionMnist('test').images));
  });

  it('rejects an unknown split', () => {
    expect(() => embeddedFashionMnist('valid' as Split)).toThrow(DatasetOptionError);
    expect(() => readFashionMnist(DEBIAN_FASHION_MNIST_DIR, 'x' as Split)).toThrow(
      /invalid split \(x\): expected 'train' or 'test'/,
    );
  });
});

describe('readFashionMnist / readMnist from a folder', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('finds raw and dotted file-name spellings', () => {
    const dir = join(t.dir, 'dotted');
    mkdirSync(dir);
    writeBytes(join(dir, 't10k-images.idx3-ubyte'), idxBytes(IDX_IMAGES_MAGIC, [3, 2, 2], pattern(3, 4)));
    writeBytes(join(dir, 't10k-labels.idx1-ubyte'), idxBytes(IDX_LABELS_MAGIC, [3], [9, 0, 4]));
    const ds = readFashionMnist(dir, 'test');
    expect(ds.count).toBe(3);
    expect(ds.classNames[9]).toBe('Ankle boot');
    expect(readMnist(dir, 'test').classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('a missing folder names the path and says how to get the data', () => {
    const missing = join(t.dir, 'no-such-folder');
    expect(() => readFashionMnist(missing, 'train')).toThrow(DatasetNotFoundError);
    expect(() => readFashionMnist(missing, 'train')).toThrow(
      /no-such-folder not found; install Debian's dataset-fashion-mnist .*--data fashion-mnist=PATH/,
    );
  });

  it('a folder without the files lists what was looked for', () => {
    const empty = join(t.dir, 'empty');
    mkdirSync(empty);
    expect(() => readFashionMnist(empty, 'train')).toThrow(
      /no train images file in .*empty \(looked for train-images-idx3-ubyte\.gz, /,
    );
    expect(() => readMnist(empty, 'test')).toThrow(/--data mnist=PATH/);
  });
});
