// CIFAR-10 binary batches: records of 1 label byte + 3072 image bytes (32×32, channel-major:
// 1024 red, 1024 green, 1024 blue). Converted here to NHWC in one pass.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetFormatError, DatasetNotFoundError, DatasetOptionError } from './errors';
import { checkSplit, type Split } from './fashion-mnist';
import type { ImageDataset } from './image-dataset';
import { readBinaryFile } from './read-binary';

const WHERE = '@randwire/datasets/cifar10';
const SIDE = 32;
const PLANE = SIDE * SIDE;
const IMAGE = 3 * PLANE;
const RECORD = 1 + IMAGE;
const HINT =
  'pass --data cifar10=PATH with the folder of the CIFAR-10 binary version ' +
  '(cifar-10-batches-bin: data_batch_1.bin .. data_batch_5.bin, test_batch.bin)';

export const CIFAR10_CLASS_NAMES: readonly string[] = Object.freeze([
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
]);

/** File names of a split, in reading order. */
export const CIFAR10_FILES: Readonly<Record<Split, readonly string[]>> = Object.freeze({
  train: Object.freeze([1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`)),
  test: Object.freeze(['test_batch.bin']),
});

/** Bytes per record (1 label + 32·32·3 pixels). */
export const CIFAR10_RECORD_BYTES = RECORD;

/**
 * Decodes CIFAR-10 binary records (`buf`, already gunzipped) into `images` (NHWC) and
 * `labels` starting at example `offset`. Returns the number of records decoded.
 */
export function decodeCifar10Records(
  buf: Uint8Array,
  path: string,
  images: Uint8Array,
  labels: Uint8Array,
  offset: number,
): number {
  const n = buf.length / RECORD;
  for (let r = 0; r < n; r++) {
    const base = r * RECORD;
    const label = buf[base]!;
    if (label >= 10) {
      throw new DatasetFormatError(
        `${WHERE}: ${path}: record ${r} has label ${label}: expected 0..9 (is this the binary version?)`,
        path,
      );
    }
    labels[offset + r] = label;
    const src = base + 1;
    let dst = (offset + r) * IMAGE;
    for (let p = 0; p < PLANE; p++) {
      images[dst++] = buf[src + p]!;
      images[dst++] = buf[src + PLANE + p]!;
      images[dst++] = buf[src + 2 * PLANE + p]!;
    }
  }
  return n;
}

function readClassNames(dir: string): string[] {
  const meta = join(dir, 'batches.meta.txt');
  if (!existsSync(meta)) return [...CIFAR10_CLASS_NAMES];
  const names = readFileSync(meta, 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length !== 10) {
    throw new DatasetFormatError(
      `${WHERE}: ${meta}: found ${names.length} class names, expected 10 (one per line)`,
      meta,
    );
  }
  return names;
}

/** Resolves `dir` or `dir/cifar-10-batches-bin` (the folder the official archive unpacks to). */
function batchesDir(dir: string): string {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    throw new DatasetNotFoundError(`${WHERE}: folder ${dir} not found; ${HINT}`, dir, { cause: e });
  }
  if (!isDir) throw new DatasetNotFoundError(`${WHERE}: ${dir} is not a folder; ${HINT}`, dir);
  const nested = join(dir, 'cifar-10-batches-bin');
  return !existsSync(join(dir, 'test_batch.bin')) && existsSync(nested) ? nested : dir;
}

/**
 * Reads the CIFAR-10 `split` from the binary batches in `dir` (or `dir/cifar-10-batches-bin`).
 * Each batch may be gzipped. Class names come from `batches.meta.txt` when present.
 */
export function readCifar10(dir: string, split: Split): ImageDataset {
  const s = checkSplit(split, WHERE);
  const root = batchesDir(dir);
  const files = CIFAR10_FILES[s].map((f) => {
    const raw = join(root, f);
    return !existsSync(raw) && existsSync(`${raw}.gz`) ? `${raw}.gz` : raw;
  });
  const buffers = files.map((f) => {
    const buf = readBinaryFile(f, WHERE, HINT);
    if (buf.length === 0 || buf.length % RECORD !== 0) {
      const whole = Math.floor(buf.length / RECORD);
      throw new DatasetFormatError(
        `${WHERE}: ${f}: wrong size ${buf.length} bytes: expected a non-zero multiple of ${RECORD} ` +
          `(1 label + 3072 pixel bytes per record; ${whole} whole records + ${buf.length - whole * RECORD} bytes, truncated?)`,
        f,
      );
    }
    return buf;
  });
  const count = buffers.reduce((a, b) => a + b.length / RECORD, 0);
  if (!Number.isSafeInteger(count * IMAGE)) {
    throw new DatasetOptionError(`${WHERE}: ${count} records is too many to hold in memory`);
  }
  const images = new Uint8Array(count * IMAGE);
  const labels = new Uint8Array(count);
  let offset = 0;
  buffers.forEach((buf, i) => {
    offset += decodeCifar10Records(buf, files[i]!, images, labels, offset);
  });
  return {
    images,
    labels,
    count,
    height: SIDE,
    width: SIDE,
    channels: 3,
    classes: 10,
    classNames: readClassNames(root),
    source: files.join(', '),
  };
}
