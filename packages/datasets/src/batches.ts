// Mini-batches of an ImageDataset: seeded shuffle per (seed, epoch), optional seeded
// augmentation, fresh arrays per batch (safe to keep or hand to a tensor constructor).
import { AUGMENT_DEFAULTS, type AugmentOptions, augmentChoice, augmentImage, augmentKey } from './augment';
import { DatasetOptionError } from './errors';
import { type ImageDataset, imageSize } from './image-dataset';
import { checkInteger, checkSeed } from './rng';
import { shuffledIndices } from './shuffle';

const WHERE = '@randwire/datasets/batches';

export interface BatchOptions {
  /** Examples per batch (the last one may be smaller unless `dropLast`). */
  batchSize: number;
  /** Visit examples in a seeded random order (per seed and epoch). */
  shuffle?: boolean;
  seed?: number;
  /** Selects the permutation and augmentation of this epoch. */
  epoch?: number;
  /** Skip a final batch smaller than `batchSize`. */
  dropLast?: boolean;
  /** `true` = AUGMENT_DEFAULTS (pad 4 + random crop, horizontal flip); an object picks; false/undefined = none. */
  augment?: boolean | AugmentOptions;
  /** Start at this batch of the epoch (to resume mid-epoch); earlier batches are not built. */
  startBatch?: number;
}

export const BATCH_DEFAULTS: Readonly<Required<Omit<BatchOptions, 'batchSize'>>> = Object.freeze({
  shuffle: true,
  seed: 0,
  epoch: 0,
  dropLast: false,
  augment: false,
  startBatch: 0,
});

export interface Batch {
  /** `size * height * width * channels` bytes, NHWC. */
  images: Uint8Array;
  labels: Uint8Array;
  size: number;
  /** The dataset index of each example in the batch. */
  indices: Uint32Array;
  /** Position of this batch in the epoch (0-based). */
  batch: number;
}

/** Batches in an epoch of `count` examples. */
export function batchCount(count: number, batchSize: number, dropLast = false): number {
  checkInteger(batchSize, WHERE, 'batchSize', 1);
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

function resolveAugment(a: BatchOptions['augment']): Required<AugmentOptions> | null {
  if (a == null || a === false) return null;
  const r = a === true ? AUGMENT_DEFAULTS : { ...AUGMENT_DEFAULTS, ...a };
  checkInteger(r.padding, WHERE, 'augment.padding', 0);
  if (typeof r.flip !== 'boolean') {
    throw new DatasetOptionError(`${WHERE}: invalid augment.flip (${String(r.flip)}): must be true or false`);
  }
  return r.padding === 0 && !r.flip ? null : r;
}

/** Yields the mini-batches of one epoch. Deterministic for the same (dataset, options). */
export function* batches(ds: ImageDataset, options: BatchOptions): Generator<Batch, void, undefined> {
  const batchSize = checkInteger(options?.batchSize, WHERE, 'batchSize', 1);
  const shuffle = options.shuffle ?? BATCH_DEFAULTS.shuffle;
  const seed = checkSeed(options.seed ?? BATCH_DEFAULTS.seed, WHERE);
  const epoch = checkInteger(options.epoch ?? BATCH_DEFAULTS.epoch, WHERE, 'epoch', 0);
  const dropLast = options.dropLast ?? BATCH_DEFAULTS.dropLast;
  const startBatch = checkInteger(options.startBatch ?? BATCH_DEFAULTS.startBatch, WHERE, 'startBatch', 0);
  const aug = resolveAugment(options.augment ?? BATCH_DEFAULTS.augment);
  const order = shuffle ? shuffledIndices(ds.count, seed, epoch) : null;
  const key = aug ? augmentKey(seed, epoch) : 0;
  const size = imageSize(ds);
  const total = batchCount(ds.count, batchSize, dropLast);
  for (let b = startBatch; b < total; b++) {
    const start = b * batchSize;
    const n = Math.min(batchSize, ds.count - start);
    const indices = order
      ? order.slice(start, start + n)
      : Uint32Array.from({ length: n }, (_, i) => start + i);
    const images = new Uint8Array(n * size);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const idx = indices[i]!;
      labels[i] = ds.labels[idx]!;
      if (aug) {
        const choice = augmentChoice(key, idx, aug.padding, aug.flip);
        augmentImage(
          ds.images,
          idx * size,
          images,
          i * size,
          ds.height,
          ds.width,
          ds.channels,
          aug.padding,
          choice,
        );
      } else {
        images.set(ds.images.subarray(idx * size, (idx + 1) * size), i * size);
      }
    }
    yield { images, labels, size: n, indices, batch: b };
  }
}
