// `randwire predict`: top-k classes of images under a run's model. Inputs:
//   FILE                                     one image: PNG, Netpbm, NumPy .npy (uint8) or IDX
//                                            (@randwire/datasets' readImageFile; gzipped too)
//   FILE:N[-M]                               images N..M of a multi-image file (IDX, 4-D .npy)
//   embedded:N[-M] / embedded-train:N[-M]   images of the embedded Fashion-MNIST test/train set
// Images are converted to the model's input shape (channels, bilinear resize) by fitImage.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CIFAR10_CLASS_NAMES,
  embeddedFashionMnist,
  FASHION_MNIST_CLASS_NAMES,
  fitImage,
  MNIST_CLASS_NAMES,
  readImageFile,
  SYNTHETIC_MAX_CLASSES,
  syntheticClassName,
} from '@randwire/datasets';
import type { NetworkSpec } from '@randwire/spec';
import {
  BACKEND_PREFERENCES,
  type BackendPreference,
  loadModelFromDir,
  normalizeImages,
  RUN_FILES,
  readRunConfig,
  readRunSpec,
  selectBackend,
} from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import { type Command, choiceOption, numberOption, UserError } from '../cli';
import type { DataChoice } from './train';
import { describeBackend } from './train';

const NAME = 'predict';

export interface PredictInput {
  /** What the user wrote, with the index for ranges, e.g. `embedded:3`. */
  label: string;
  /** height*width*channels bytes, NHWC. */
  pixels: Uint8Array;
}

function parseRange(text: string, arg: string, count: number): number[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new UserError(`randwire ${NAME}: invalid index '${text}' in '${arg}': must be N or N-M`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (b < a || b >= count) {
    throw new UserError(`randwire ${NAME}: index range ${a}-${b} in '${arg}' is outside 0..${count - 1}`);
  }
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/** Turns one command-line input into images shaped for `spec`. */
export function readPredictInputs(arg: string, spec: NetworkSpec): PredictInput[] {
  const { height, width, channels } = spec.input;
  const size = height * width * channels;
  const check = (h: number, w: number, c: number) => {
    if (h !== height || w !== width || c !== channels) {
      throw new UserError(
        `randwire ${NAME}: '${arg}' has ${h}x${w}x${c} images, the model expects ${height}x${width}x${channels}`,
      );
    }
  };
  const emb = /^embedded(-train|-test)?:(.+)$/.exec(arg);
  if (emb) {
    const ds = embeddedFashionMnist(emb[1] === '-train' ? 'train' : 'test');
    check(ds.height, ds.width, ds.channels);
    return parseRange(emb[2]!, arg, ds.count).map((i) => ({
      label: `embedded${emb[1] ?? ''}:${i}`,
      pixels: ds.images.slice(i * size, (i + 1) * size),
    }));
  }
  const fit = (path: string, index: number, label: string): PredictInput => ({
    label,
    pixels: fitImage(readImageFile(path, { index }), { height, width, channels }),
  });
  if (existsSync(arg)) return [fit(arg, 0, arg)];
  const ranged = /^(.+):([0-9-]+)$/.exec(arg);
  if (ranged && existsSync(ranged[1]!)) {
    const file = ranged[1]!;
    const m = /^(\d+)(?:-(\d+))?$/.exec(ranged[2]!);
    if (!m)
      throw new UserError(`randwire ${NAME}: invalid index '${ranged[2]}' in '${arg}': must be N or N-M`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a)
      throw new UserError(
        `randwire ${NAME}: invalid index range ${a}-${b} in '${arg}': must be N or N-M with N <= M`,
      );
    return Array.from({ length: b - a + 1 }, (_, i) => fit(file, a + i, `${file}:${a + i}`));
  }
  throw new UserError(
    `randwire ${NAME}: no such file or input '${arg}': use an image file (PNG, PGM/PPM, .npy, IDX), FILE:N[-M] for multi-image files, or embedded:N[-M]`,
  );
}

function classNamesFor(runDir: string, spec: NetworkSpec): string[] {
  let data = 'embedded';
  try {
    data = readRunConfig<{ dataChoice?: DataChoice }>(runDir).dataChoice?.data ?? data;
  } catch {
    // no train-config.json: assume Fashion-MNIST-like names only for the embedded default
  }
  let names: readonly string[] | null = null;
  if (data === 'synthetic') {
    names = Array.from({ length: spec.classes }, (_, c) =>
      c < SYNTHETIC_MAX_CLASSES ? syntheticClassName(c) : String(c),
    );
  } else if (data === 'embedded' || data.startsWith('fashion-mnist')) names = FASHION_MNIST_CLASS_NAMES;
  else if (data.startsWith('mnist=')) names = MNIST_CLASS_NAMES;
  else if (data.startsWith('cifar10=')) names = CIFAR10_CLASS_NAMES;
  if (names && names.length === spec.classes) return [...names];
  return Array.from({ length: spec.classes }, (_, c) => String(c));
}

export const predictCommand: Command = {
  name: NAME,
  summary: "Top-k classes of images under a run's model",
  usage: 'run/ INPUT... [--top K] [--json]',
  details: `INPUT is one of:
  FILE                  one image: PNG, PGM/PPM, NumPy .npy (uint8) or IDX (gzipped or not);
                        converted to the model's input size and channels
  FILE:N[-M]            image(s) N..M of a multi-image file, e.g. t10k-images-idx3-ubyte.gz:0-9
  embedded:N[-M]        image(s) of the embedded Fashion-MNIST test set (embedded-train:N for train)

Examples:
  randwire predict runs/mnist-small embedded:0-4
  randwire predict runs/mnist-small /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz:7 --json`,
  options: {
    top: { type: 'string', arg: 'K', default: '3', description: 'classes listed per image' },
    backend: {
      type: 'string',
      arg: 'NAME',
      default: 'auto',
      description: `tfjs backend: ${BACKEND_PREFERENCES.join('|')}`,
    },
    json: { type: 'boolean', description: 'machine-readable result on stdout' },
  },
  positionals: [2, Infinity],
  async run(values, positionals, ctx) {
    const [runDir, ...args] = positionals as [string, ...string[]];
    const spec = readRunSpec(runDir);
    const top = numberOption(NAME, 'top', values['top'], { integer: true, min: 1, max: spec.classes })!;
    const backendPref = choiceOption(
      NAME,
      'backend',
      values['backend'],
      BACKEND_PREFERENCES,
    ) as BackendPreference;
    const inputs = args.flatMap((a) => readPredictInputs(a, spec));
    const names = classNamesFor(runDir, spec);
    const backend = await selectBackend(backendPref);
    ctx.err(describeBackend(backend));
    const model = await loadModelFromDir(join(runDir, RUN_FILES.model));
    const size = spec.input.height * spec.input.width * spec.input.channels;
    const all = new Uint8Array(inputs.length * size);
    inputs.forEach((inp, i) => {
      all.set(inp.pixels, i * size);
    });
    let probs: Float32Array;
    try {
      const t = tf.tidy(() => (model.predict(normalizeImages(spec, all, inputs.length)) as tf.Tensor[])[1]!);
      probs = Float32Array.from(t.dataSync() as Float32Array);
      t.dispose();
    } finally {
      model.dispose();
    }
    const results = inputs.map((inp, i) => {
      const p = Array.from(probs.subarray(i * spec.classes, (i + 1) * spec.classes));
      const order = p.map((v, c) => [v, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      return {
        input: inp.label,
        top: order.slice(0, top).map(([prob, c]) => ({ class: c, name: names[c] ?? String(c), prob })),
      };
    });
    if (values['json'] === true) {
      ctx.out(
        JSON.stringify(
          { run: runDir, spec: spec.name, backend: backend.name, predictions: results },
          null,
          2,
        ),
      );
    } else {
      const w = Math.max(...results.map((r) => r.input.length));
      for (const r of results) {
        ctx.out(
          `${r.input.padEnd(w)}  ${r.top.map((t) => `${t.name} (${(t.prob * 100).toFixed(1)}%)`).join('  ')}`,
        );
      }
    }
    return 0;
  },
};
