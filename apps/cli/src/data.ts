// The `--data` option of train, eval, predict and verify: which dataset a value names, how one
// split of it is read and checked against a spec, what a run directory recorded, class names.
import {
  CIFAR10_CLASS_NAMES,
  DEBIAN_FASHION_MNIST_DIR,
  embeddedFashionMnist,
  FASHION_MNIST_CLASS_NAMES,
  type ImageDataset,
  limitDataset,
  MNIST_CLASS_NAMES,
  readCifar10,
  readFashionMnist,
  readMnist,
  SYNTHETIC_MAX_CLASSES,
  syntheticClassName,
  syntheticDataset,
} from '@randwire/datasets';
import type { NetworkSpec } from '@randwire/spec';
import { UserError } from './cli';
import { loadTfjs } from './lazy-packages';

/** How a run's data was chosen (recorded in train-config.json so eval and resume re-read it). */
export interface DataChoice {
  /** 'embedded' | 'synthetic' | 'fashion-mnist[=DIR]' | 'mnist=DIR' | 'cifar10=DIR'. */
  data: string;
  /** First N training examples (null = all). */
  limit: number | null;
  /** First N test examples (null = all). */
  testLimit: number | null;
}

export const DATA_CHOICES = 'embedded, synthetic, fashion-mnist[=DIR], mnist=DIR or cifar10=DIR';

/** The choice of a run without a recorded one: the embedded Fashion-MNIST subset, all of it. */
export const DEFAULT_DATA_CHOICE: Readonly<DataChoice> = Object.freeze({
  data: 'embedded',
  limit: null,
  testLimit: null,
});

/** Synthetic set sizes when no --limit / --test-limit is given. */
export const SYNTHETIC_COUNTS = Object.freeze({ train: 2000, test: 500 });

export interface OpenDatasetOptions {
  /** Synthetic data: how many images (default SYNTHETIC_COUNTS[split]). */
  count?: number;
  /** Synthetic data: its seed (default 1 for train, 2 for test). */
  seed?: number;
  /** What the command accepts, for the message on an unknown value (default DATA_CHOICES). */
  choices?: string;
}

/** Reads one split of the dataset a `--data` value names; its images must have the spec's
 * input shape. */
export function openDataset(
  command: string,
  data: string,
  spec: NetworkSpec,
  split: 'train' | 'test',
  options: OpenDatasetOptions = {},
): ImageDataset {
  const { height, width, channels } = spec.input;
  let ds: ImageDataset;
  if (data === 'embedded') ds = embeddedFashionMnist(split);
  else if (data === 'synthetic') {
    ds = syntheticDataset({
      count: options.count ?? SYNTHETIC_COUNTS[split],
      height,
      width,
      channels,
      classes: Math.min(spec.classes, SYNTHETIC_MAX_CLASSES),
      seed: options.seed ?? (split === 'train' ? 1 : 2),
    });
  } else if (data === 'fashion-mnist') ds = readFashionMnist(DEBIAN_FASHION_MNIST_DIR, split);
  else if (data.startsWith('fashion-mnist='))
    ds = readFashionMnist(data.slice('fashion-mnist='.length), split);
  else if (data.startsWith('mnist=')) ds = readMnist(data.slice('mnist='.length), split);
  else if (data.startsWith('cifar10=')) ds = readCifar10(data.slice('cifar10='.length), split);
  else {
    throw new UserError(
      `randwire ${command}: invalid --data '${data}': must be ${options.choices ?? DATA_CHOICES}`,
    );
  }
  if (ds.height !== height || ds.width !== width || ds.channels !== channels) {
    throw new UserError(
      `randwire ${command}: --data ${data} has ${ds.height}x${ds.width}x${ds.channels} images, spec '${spec.name}' expects ${height}x${width}x${channels} (choose a preset for this data, e.g. mnist-small or cifar-small)`,
    );
  }
  return ds;
}

/** Reads one split of the data a `--data` value names, shaped for `spec`, with at most the
 * spec's classes, limited as the choice says. */
export function loadDataSplit(
  command: string,
  choice: DataChoice,
  spec: NetworkSpec,
  split: 'train' | 'test',
): ImageDataset {
  const limit = split === 'train' ? choice.limit : choice.testLimit;
  const ds = openDataset(command, choice.data, spec, split, limit == null ? {} : { count: limit });
  if (ds.classes > spec.classes) {
    throw new UserError(
      `randwire ${command}: --data ${choice.data} has ${ds.classes} classes, spec '${spec.name}' only ${spec.classes}`,
    );
  }
  return limit == null ? ds : limitDataset(ds, limit);
}

/** The data choice a run directory recorded (null: no train-config.json or none in it). */
export function readRunDataChoice(runDir: string): DataChoice | null {
  try {
    return loadTfjs().readRunConfig<{ dataChoice?: DataChoice }>(runDir).dataChoice ?? null;
  } catch {
    // a run directory without train-config.json (e.g. a model saved by hand)
    return null;
  }
}

/** Class names of the data a `--data` value names ('0', '1', … when unknown or when their
 * number differs from `classes`). */
export function classNamesFor(data: string, classes: number): string[] {
  let names: readonly string[] | null = null;
  if (data === 'synthetic') {
    names = Array.from({ length: classes }, (_, c) =>
      c < SYNTHETIC_MAX_CLASSES ? syntheticClassName(c) : String(c),
    );
  } else if (data === 'embedded' || data.startsWith('fashion-mnist')) names = FASHION_MNIST_CLASS_NAMES;
  else if (data.startsWith('mnist=')) names = MNIST_CLASS_NAMES;
  else if (data.startsWith('cifar10=')) names = CIFAR10_CLASS_NAMES;
  if (names && names.length === classes) return [...names];
  return Array.from({ length: classes }, (_, c) => String(c));
}
