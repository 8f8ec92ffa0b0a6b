// Fashion-MNIST (and MNIST, same file layout) read from a folder of IDX files, plus the
// embedded subset shipped in this package (data/fashion-mnist: first 6,000 train / 1,000 test).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetNotFoundError, DatasetOptionError } from './errors';
import { readIdxDataset } from './idx';
import type { ImageDataset } from './image-dataset';

export type Split = 'train' | 'test';

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

export const MNIST_CLASS_NAMES: readonly string[] = Object.freeze(
  Array.from({ length: 10 }, (_, i) => String(i)),
);

/** Where Debian's dataset-fashion-mnist package installs the full set. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The folder holding the embedded subset (works from src/ under jest and from dist/). */
export const EMBEDDED_FASHION_MNIST_DIR = join(__dirname, '..', 'data', 'fashion-mnist');

/** Examples in the embedded subset, per split. */
export const EMBEDDED_FASHION_MNIST_COUNTS: Readonly<Record<Split, number>> = Object.freeze({
  train: 6000,
  test: 1000,
});

const FASHION_HINT =
  `install Debian's dataset-fashion-mnist (files in ${DEBIAN_FASHION_MNIST_DIR}), ` +
  'or pass --data fashion-mnist=PATH with the folder holding the IDX files';
const MNIST_HINT = 'pass --data mnist=PATH with the folder holding the MNIST IDX files';

export function checkSplit(split: unknown, where: string): Split {
  if (split !== 'train' && split !== 'test') {
    throw new DatasetOptionError(`${where}: invalid split (${String(split)}): expected 'train' or 'test'`);
  }
  return split;
}

/** Finds `<prefix>-{images-idx3,labels-idx1}-ubyte[.gz]` (or `.idx3-ubyte` spellings) in `dir`. */
export function findIdxPair(dir: string, split: Split, where: string, hint: string): [string, string] {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    throw new DatasetNotFoundError(`${where}: folder ${dir} not found; ${hint}`, dir, { cause: e });
  }
  if (!isDir) throw new DatasetNotFoundError(`${where}: ${dir} is not a folder; ${hint}`, dir);
  const prefix = split === 'train' ? 'train' : 't10k';
  const pick = (kind: 'images' | 'labels', d: 3 | 1): string => {
    const names = [`${prefix}-${kind}-idx${d}-ubyte`, `${prefix}-${kind}.idx${d}-ubyte`].flatMap((n) => [
      `${n}.gz`,
      n,
    ]);
    for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
    throw new DatasetNotFoundError(
      `${where}: no ${split} ${kind} file in ${dir} (looked for ${names.join(', ')}); ${hint}`,
      join(dir, names[0]!),
    );
  };
  return [pick('images', 3), pick('labels', 1)];
}

/** Reads the Fashion-MNIST `split` from a folder of IDX files (e.g. DEBIAN_FASHION_MNIST_DIR). */
export function readFashionMnist(dir: string, split: Split): ImageDataset {
  const where = '@randwire/datasets/fashion-mnist';
  const [images, labels] = findIdxPair(dir, checkSplit(split, where), where, FASHION_HINT);
  return readIdxDataset(images, labels, {
    classNames: FASHION_MNIST_CLASS_NAMES,
    notFoundHint: FASHION_HINT,
  });
}

/** Reads the MNIST `split` from a folder of IDX files (same layout as Fashion-MNIST; classes '0'..'9'). */
export function readMnist(dir: string, split: Split): ImageDataset {
  const where = '@randwire/datasets/mnist';
  const [images, labels] = findIdxPair(dir, checkSplit(split, where), where, MNIST_HINT);
  return readIdxDataset(images, labels, { classNames: MNIST_CLASS_NAMES, notFoundHint: MNIST_HINT });
}

/** The embedded Fashion-MNIST subset: first 6,000 training or 1,000 test examples, 28×28×1. */
export function embeddedFashionMnist(split: Split): ImageDataset {
  const where = '@randwire/datasets/embedded';
  const s = checkSplit(split, where);
  const hint =
    'the embedded data ships in the package folder data/fashion-mnist; reinstall @randwire/datasets';
  const [images, labels] = findIdxPair(EMBEDDED_FASHION_MNIST_DIR, s, where, hint);
  const ds = readIdxDataset(images, labels, { classNames: FASHION_MNIST_CLASS_NAMES, notFoundHint: hint });
  return { ...ds, source: `embedded:fashion-mnist/${s} (first ${ds.count})` };
}
