// The in-memory dataset every reader returns: uint8 images in NHWC order and uint8 labels.
import { DatasetOptionError } from './errors';

/** A labelled image set held in memory. Images are uint8, NHWC, one contiguous array. */
export interface ImageDataset {
  /** `count * height * width * channels` bytes, NHWC (example, row, column, channel). */
  images: Uint8Array;
  /** `count` labels, each in `[0, classes)`. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  classes: number;
  /** `classes` names, index = label. */
  classNames: string[];
  /** Where it came from: file path(s) joined by ', ', or `embedded:...` / `synthetic:...`. */
  source: string;
}

/** Bytes of one image: `height * width * channels`. */
export function imageSize(ds: Pick<ImageDataset, 'height' | 'width' | 'channels'>): number {
  return ds.height * ds.width * ds.channels;
}

/** Checks the invariants of an ImageDataset (array lengths, label range); throws DatasetOptionError. */
export function checkDataset(ds: ImageDataset, where = '@randwire/datasets'): ImageDataset {
  const fail = (what: string): never => {
    throw new DatasetOptionError(`${where}: invalid dataset (${ds.source}): ${what}`);
  };
  for (const key of ['count', 'height', 'width', 'channels', 'classes'] as const) {
    const v = ds[key];
    if (!Number.isInteger(v) || v < 0) fail(`${key} (${v}) must be a non-negative integer`);
  }
  if (ds.images.length !== ds.count * imageSize(ds)) {
    fail(
      `images has ${ds.images.length} bytes, expected count*height*width*channels = ` +
        `${ds.count}*${ds.height}*${ds.width}*${ds.channels} = ${ds.count * imageSize(ds)}`,
    );
  }
  if (ds.labels.length !== ds.count) fail(`labels has ${ds.labels.length} entries, expected ${ds.count}`);
  if (ds.classNames.length !== ds.classes) {
    fail(`classNames has ${ds.classNames.length} names, expected classes = ${ds.classes}`);
  }
  for (let i = 0; i < ds.count; i++) {
    const l = ds.labels[i]!;
    if (l >= ds.classes) fail(`label ${l} at index ${i} is not in [0, ${ds.classes})`);
  }
  return ds;
}

/** The first `n` examples (views sharing memory with `ds`, no copy). `n >= count` returns all. */
export function limitDataset(ds: ImageDataset, n: number): ImageDataset {
  if (!Number.isInteger(n) || n < 0) {
    throw new DatasetOptionError(`@randwire/datasets/limit: invalid limit (${n}): must be an integer >= 0`);
  }
  if (n >= ds.count) return ds;
  const size = imageSize(ds);
  return {
    ...ds,
    images: ds.images.subarray(0, n * size),
    labels: ds.labels.subarray(0, n),
    count: n,
    source: `${ds.source} (first ${n})`,
  };
}

/** Counts of each label, index = class. */
export function classCounts(ds: Pick<ImageDataset, 'labels' | 'classes'>): number[] {
  const counts = new Array<number>(ds.classes).fill(0);
  for (const l of ds.labels) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

/** Per-channel mean and standard deviation of the pixels scaled to [0, 1] (for `spec.input`). */
export function channelStats(ds: ImageDataset): { mean: number[]; std: number[] } {
  const C = ds.channels;
  const n = ds.images.length / C;
  // A histogram per channel (one increment per pixel), then exact integer sums from it.
  const hist = new Float64Array(256 * C);
  const img = ds.images;
  if (C === 1) for (let i = 0; i < img.length; i++) hist[img[i]!]!++;
  else for (let i = 0, c = 0; i < img.length; i++, c = c + 1 === C ? 0 : c + 1) hist[c * 256 + img[i]!]!++;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < C; c++) {
    let s = 0;
    let q = 0;
    for (let v = 0; v < 256; v++) {
      const k = hist[c * 256 + v]!;
      s += k * v;
      q += k * v * v;
    }
    const m = n > 0 ? s / n / 255 : 0;
    mean.push(m);
    std.push(n > 0 ? Math.sqrt(Math.max(0, q / n / 65025 - m * m)) : 0);
  }
  return { mean, std };
}
