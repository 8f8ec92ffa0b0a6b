// `randwire predict`: top-k classes of images under a run's tfjs model or an exported ONNX
// model (onnxruntime, via @randwire/onnx's predictOnnx). Inputs:
//   FILE                                     one image: PNG, Netpbm, NumPy .npy (uint8) or IDX
//                                            (@randwire/datasets' readImageFile; gzipped too)
//   FILE:N[-M]                               images N..M of a multi-image file (IDX, 4-D .npy)
//   embedded:N[-M] / embedded-train:N[-M]   images of the embedded Fashion-MNIST test/train set
// Images are converted to the model's input shape (channels, bilinear resize) by fitImage.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { embeddedFashionMnist, fitImage, readImageFile } from '@randwire/datasets';
import type { NetworkSpec } from '@randwire/spec';
import type { Tensor } from '@tensorflow/tfjs';
import { BACKEND_OPTION, backendOption, startBackend } from '../backend';
import { type Command, numberOption, UserError } from '../cli';
import { classNamesFor, DEFAULT_DATA_CHOICE, readRunDataChoice } from '../data';
import { loadOnnx, loadTensorflow, loadTfjs } from '../lazy-packages';
import { CLI_LIMITS } from '../limits';

const NAME = 'predict';

export interface PredictInput {
  /** What the user wrote, with the index for ranges, e.g. `embedded:3`. */
  label: string;
  /** height*width*channels bytes, NHWC. */
  pixels: Uint8Array;
}

/** `N` or `N-M` → [N..M]; `count` bounds the indices when known. */
function parseRange(text: string, arg: string, count: number | null): number[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new UserError(`randwire ${NAME}: invalid index '${text}' in '${arg}': must be N or N-M`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (b < a) {
    throw new UserError(
      `randwire ${NAME}: invalid index range ${a}-${b} in '${arg}': must be N or N-M with N <= M`,
    );
  }
  if (count != null && b >= count) {
    throw new UserError(`randwire ${NAME}: index range ${a}-${b} in '${arg}' is outside 0..${count - 1}`);
  }
  if (b - a + 1 > CLI_LIMITS.predictImages) {
    throw new UserError(
      `randwire ${NAME}: index range ${a}-${b} in '${arg}' holds ${b - a + 1} images, above the limit of ${CLI_LIMITS.predictImages} per range (randwire eval scores whole data sets)`,
    );
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
    return parseRange(ranged[2]!, arg, null).map((i) => fit(file, i, `${file}:${i}`));
  }
  throw new UserError(
    `randwire ${NAME}: no such file or input '${arg}': use an image file (PNG, PGM/PPM, .npy, IDX), FILE:N[-M] for multi-image files, or embedded:N[-M]`,
  );
}

/** Class names of the data the run (or the run holding an exported model) was trained on. */
function runClassNames(runDir: string, spec: NetworkSpec): string[] {
  return classNamesFor((readRunDataChoice(runDir) ?? DEFAULT_DATA_CHOICE).data, spec.classes);
}

interface Prediction {
  input: string;
  top: Array<{ class: number; name: string; prob: number }>;
}

/** Class probabilities (images x classes) of the run's tfjs model. */
async function predictTfjs(runDir: string, spec: NetworkSpec, images: Uint8Array, count: number) {
  const { loadModelFromDir, normalizeImages, RUN_FILES } = loadTfjs();
  const model = await loadModelFromDir(join(runDir, RUN_FILES.model));
  try {
    const t = loadTensorflow().tidy(
      () => (model.predict(normalizeImages(spec, images, count)) as Tensor[])[1]!,
    );
    const probs = Float32Array.from(t.dataSync() as Float32Array);
    t.dispose();
    return probs;
  } finally {
    model.dispose();
  }
}

function topClasses(probs: ArrayLike<number>, top: number, names: readonly string[]): Prediction['top'] {
  const order = Array.from(probs, (v, c) => [v, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return order.slice(0, top).map(([prob, c]) => ({ class: c, name: names[c] ?? String(c), prob }));
}

const isOnnxFile = (path: string) => path.endsWith('.onnx') && existsSync(path) && statSync(path).isFile();

export const predictCommand: Command = {
  name: NAME,
  summary: "Top-k classes of images under a run's model or an exported ONNX model",
  usage: 'run/|model.onnx INPUT... [--top K] [--json]',
  details: `The model is a run directory (tfjs, --backend) or an ONNX file written by
\`randwire export\` (onnxruntime; normalized as its metadata says). Class names come from the
run's data (for an ONNX file: the run directory holding it, if any).

INPUT is one of:
  FILE                  one image: PNG, PGM/PPM, NumPy .npy (uint8) or IDX (gzipped or not);
                        converted to the model's input size and channels
  FILE:N[-M]            image(s) N..M of a multi-image file, e.g. t10k-images-idx3-ubyte.gz:0-9
  embedded:N[-M]        image(s) of the embedded Fashion-MNIST test set (embedded-train:N for train)

Examples:
  randwire predict runs/mnist-small embedded:0-4
  randwire predict runs/mnist-small/model.onnx embedded:0-4
  randwire predict runs/mnist-small /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz:7 --json`,
  options: {
    top: { type: 'string', arg: 'K', default: '3', description: 'classes listed per image' },
    backend: { ...BACKEND_OPTION, description: `${BACKEND_OPTION.description} (run directories)` },
    json: { type: 'boolean', description: 'machine-readable result on stdout' },
  },
  positionals: [2, Infinity],
  async run(values, positionals, ctx) {
    const [modelArg, ...args] = positionals as [string, ...string[]];
    const onnx = isOnnxFile(modelArg);
    const spec = onnx ? loadOnnx().readOnnxMetadata(modelArg).spec : loadTfjs().readRunSpec(modelArg);
    const top = numberOption(NAME, 'top', values['top'], { integer: true, min: 1, max: spec.classes })!;
    const backendPref = backendOption(NAME, values['backend']);
    const inputs = args.flatMap((a) => readPredictInputs(a, spec));
    const names = runClassNames(onnx ? dirname(modelArg) : modelArg, spec);
    const { height, width, channels } = spec.input;
    const size = height * width * channels;
    const all = new Uint8Array(inputs.length * size);
    inputs.forEach((inp, i) => {
      all.set(inp.pixels, i * size);
    });
    let runtime: string;
    let results: Prediction[];
    if (onnx) {
      runtime = 'onnxruntime';
      const r = await loadOnnx().predictOnnx(
        modelArg,
        { images: all, count: inputs.length, height, width, channels },
        { topK: top },
      );
      results = inputs.map((inp, i) => ({
        input: inp.label,
        top: r.predictions[i]!.top.map((t) => ({
          class: t.label,
          name: names[t.label] ?? String(t.label),
          prob: t.prob,
        })),
      }));
    } else {
      runtime = (await startBackend(backendPref, ctx)).name;
      const probs = await predictTfjs(modelArg, spec, all, inputs.length);
      results = inputs.map((inp, i) => ({
        input: inp.label,
        top: topClasses(probs.subarray(i * spec.classes, (i + 1) * spec.classes), top, names),
      }));
    }
    if (values['json'] === true) {
      const source = onnx ? { model: modelArg } : { run: modelArg };
      ctx.out(
        JSON.stringify({ ...source, spec: spec.name, backend: runtime, predictions: results }, null, 2),
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
