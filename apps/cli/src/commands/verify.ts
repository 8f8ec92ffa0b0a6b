// `randwire verify`: run an exported ONNX model (onnxruntime-node) and the run's tfjs model on
// the same inputs (seeded random tensors and real dataset samples); report max absolute and
// relative differences and top-1 agreement; exit 1 above the tolerance.
import * as path from 'node:path';
import { type ImageDataset, limitDataset } from '@randwire/datasets';
import type { Comparison } from '@randwire/onnx';
import { type NetworkSpec, OUTPUT_NAMES } from '@randwire/spec';
import type { BackendPreference } from '@randwire/tfjs';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { BACKEND_OPTION, backendOption, startBackend } from '../backend';
import { type Command, type CommandContext, numberOption, UserError } from '../cli';
import { DATA_CHOICES, openDataset } from '../data';
import { COMPARE_DEFAULTS } from '../help-constants';
import { loadOnnx, loadTensorflow, loadTfjs } from '../lazy-packages';

const NAME = 'verify';

export interface VerifyOptions {
  /** 'auto' (embedded Fashion-MNIST for 28x28x1 specs, else synthetic), 'embedded',
   * 'synthetic', 'fashion-mnist=DIR', 'cifar10=DIR' or 'none'. */
  data?: string;
  /** Real (or synthetic) samples from the data. */
  samples?: number;
  /** Seeded random input tensors (standard normal, in the normalized input space). */
  random?: number;
  /** Largest allowed maxAbs / max|tfjs| on every output. */
  tolerance?: number;
  seed?: number;
  backend?: BackendPreference;
  batch?: number;
  threads?: number;
}

export const VERIFY_DEFAULTS = Object.freeze({
  data: 'auto',
  samples: 200,
  random: 16,
  tolerance: COMPARE_DEFAULTS.tolerance,
  seed: 0,
  backend: 'auto' as BackendPreference,
  batch: 32,
  threads: 0,
});

export interface VerifySetReport {
  /** 'random' or 'data'. */
  inputs: string;
  /** Where the inputs came from (seed, dataset source). */
  source: string;
  count: number;
  outputs: Record<string, Comparison>;
  /** Top-1 accuracy of each runtime against the labels (real samples only). */
  accuracy?: { tfjs: number; onnx: number };
}

export interface VerifyReport {
  model: string;
  run: string;
  spec: string;
  tolerance: number;
  relative: string;
  tfjsBackend: string;
  onnxProvider: string;
  sets: VerifySetReport[];
  pass: boolean;
}

function loadData(
  choice: string,
  spec: NetworkSpec,
  samples: number,
  seed: number,
): ImageDataset | undefined {
  const { height, width, channels } = spec.input;
  const mnistLike = height === 28 && width === 28 && channels === 1;
  const data = choice === 'auto' ? (mnistLike ? 'embedded' : 'synthetic') : choice;
  if (data === 'none') return undefined;
  const ds = openDataset(NAME, data, spec, 'test', {
    count: samples,
    seed,
    choices: `auto, none, ${DATA_CHOICES}`,
  });
  return limitDataset(ds, Math.min(samples, ds.count));
}

function tfjsPredict(
  model: LayersModel,
  nhwc: Float32Array,
  count: number,
  spec: NetworkSpec,
  batch: number,
) {
  const { height, width, channels } = spec.input;
  const per = height * width * channels;
  const out: Record<string, Float32Array> = {
    [OUTPUT_NAMES.logits]: new Float32Array(count * spec.classes),
    [OUTPUT_NAMES.probs]: new Float32Array(count * spec.classes),
    [OUTPUT_NAMES.features]: new Float32Array(count * spec.head.channels),
  };
  const names = [OUTPUT_NAMES.logits, OUTPUT_NAMES.probs, OUTPUT_NAMES.features];
  const tf = loadTensorflow();
  for (let s = 0; s < count; s += batch) {
    const b = Math.min(batch, count - s);
    const x = tf.tensor4d(nhwc.subarray(s * per, (s + b) * per), [b, height, width, channels]);
    const ys = model.predict(x) as Tensor[];
    names.forEach((name, i) => {
      const d = ys[i]!.dataSync() as Float32Array;
      out[name]!.set(d, s * (d.length / b));
    });
    tf.dispose([x, ...ys]);
  }
  return out;
}

function accuracy(logits: Float32Array, labels: Uint8Array, classes: number): number {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
    if (best === labels[i]) ok++;
  }
  return labels.length > 0 ? ok / labels.length : 0;
}

/** Runs the ONNX model and the run's tfjs model on the same inputs and compares them. */
export async function verifyOnnxAgainstRun(
  modelPath: string,
  runDir: string,
  options: VerifyOptions = {},
  log: (line: string) => void = () => {},
): Promise<VerifyReport> {
  const o = {
    ...VERIFY_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v != null)),
  };
  const { compareOutputs, nhwcToNchw, normalizeUint8ToNchw, OnnxSession, readOnnxMetadata } = loadOnnx();
  const { loadModelFromDir, normalizedValues, normalValues, RUN_FILES, readRunSpec, stableStringify } =
    loadTfjs();
  const info = readOnnxMetadata(modelPath);
  const spec = readRunSpec(runDir);
  if (stableStringify(info.spec) !== stableStringify(spec)) {
    throw new UserError(
      `randwire ${NAME}: '${modelPath}' was exported from spec '${info.spec.name}', which differs from ${path.join(runDir, RUN_FILES.spec)} ('${spec.name}')`,
    );
  }
  const backend = await startBackend(o.backend, { err: (line) => log(`tfjs ${line}`) });
  const model = await loadModelFromDir(path.join(runDir, RUN_FILES.model));
  const session = await OnnxSession.create(modelPath, {
    batch: o.batch,
    threads: o.threads,
    graphOptimizationLevel: 'all',
  });
  const { height, width, channels } = spec.input;
  const per = height * width * channels;
  const sets: Array<{
    inputs: string;
    source: string;
    count: number;
    nhwc: Float32Array;
    nchw: Float32Array;
    labels?: Uint8Array;
  }> = [];
  if (o.random > 0) {
    const nhwc = normalValues(o.random * per, 1, o.seed);
    sets.push({
      inputs: 'random',
      source: `N(0,1) in the normalized input space, seed ${o.seed}`,
      count: o.random,
      nhwc,
      nchw: nhwcToNchw(nhwc, [o.random, height, width, channels]),
    });
  }
  const ds = o.samples > 0 ? loadData(o.data, spec, o.samples, o.seed) : undefined;
  if (ds && ds.count > 0) {
    sets.push({
      inputs: 'data',
      source: ds.source,
      count: ds.count,
      // tfjs side: the spec's normalization (@randwire/tfjs); onnx side: the model's metadata.
      nhwc: normalizedValues(spec, ds.images, ds.count),
      nchw: normalizeUint8ToNchw(ds.images, [ds.count, height, width, channels], info.normalization),
      labels: ds.labels,
    });
  }
  const reports: VerifySetReport[] = [];
  try {
    for (const set of sets) {
      let t = Date.now();
      const ref = tfjsPredict(model, set.nhwc, set.count, spec, o.batch);
      const tfjsMs = Date.now() - t;
      t = Date.now();
      const cand = await session.run({ data: set.nchw, shape: [set.count, channels, height, width] });
      log(
        `${set.inputs} (${set.source}): ${set.count} inputs, tfjs ${tfjsMs} ms, onnxruntime ${Date.now() - t} ms`,
      );
      const outputs: Record<string, Comparison> = {};
      for (const name of Object.keys(ref)) {
        const c = cand[name];
        if (!c) continue; // probs left out with --no-softmax
        const rowLength = name === OUTPUT_NAMES.features ? spec.head.channels : spec.classes;
        outputs[name] = compareOutputs(ref[name]!, c.data, { rowLength, tolerance: o.tolerance });
      }
      const report: VerifySetReport = { inputs: set.inputs, source: set.source, count: set.count, outputs };
      if (set.labels) {
        report.accuracy = {
          tfjs: accuracy(ref[OUTPUT_NAMES.logits]!, set.labels, spec.classes),
          onnx: accuracy(cand[OUTPUT_NAMES.logits]!.data, set.labels, spec.classes),
        };
      }
      reports.push(report);
    }
  } finally {
    model.dispose();
    await session.release();
  }
  return {
    model: modelPath,
    run: runDir,
    spec: spec.name,
    tolerance: o.tolerance,
    relative: 'max|onnx - tfjs| / max|tfjs| per output',
    tfjsBackend: backend.name,
    onnxProvider: session.provider,
    sets: reports,
    pass: reports.length > 0 && reports.every((r) => Object.values(r.outputs).every((c) => c.pass)),
  };
}

const fmt = (x: number) => (x === 0 ? '0' : x.toExponential(2));

function printReport(r: VerifyReport, ctx: CommandContext): void {
  ctx.out(
    `verify ${r.model} against ${r.run} (spec '${r.spec}'; tfjs ${r.tfjsBackend} vs onnxruntime ${r.onnxProvider})`,
  );
  ctx.out(`tolerance: ${r.relative} <= ${r.tolerance}`);
  for (const s of r.sets) ctx.out(`${s.inputs}: ${s.count} inputs, ${s.source}`);
  const rows = [['inputs', 'n', 'output', 'max abs', 'max rel', 'top-1 agree', 'pass']];
  for (const s of r.sets) {
    for (const [name, c] of Object.entries(s.outputs)) {
      rows.push([
        s.inputs,
        String(s.count),
        name,
        fmt(c.maxAbs),
        fmt(c.maxRel),
        name === OUTPUT_NAMES.features ? '-' : `${(100 * c.top1Agreement).toFixed(1)}%`,
        c.pass ? 'yes' : 'NO',
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    ctx.out(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  for (const s of r.sets) {
    if (s.accuracy) {
      ctx.out(
        `top-1 accuracy on ${s.count} labelled samples: tfjs ${(100 * s.accuracy.tfjs).toFixed(2)}%, onnx ${(100 * s.accuracy.onnx).toFixed(2)}%`,
      );
    }
  }
  ctx.out(r.pass ? 'PASS' : 'FAIL: differences above the tolerance');
}

export const verifyCommand: Command = {
  name: NAME,
  summary: 'Check an exported ONNX model against the run it came from (onnxruntime vs tfjs)',
  usage:
    'model.onnx --against run/ [--data auto|embedded|synthetic|none|fashion-mnist=DIR|cifar10=DIR] [--samples N] [--random N] [--tolerance X] [--json]',
  details: [
    "Runs the ONNX model in onnxruntime-node and the run's tfjs model (run/model) on the same",
    'inputs: --random seeded N(0,1) tensors in the normalized input space and --samples images',
    "from --data (tfjs normalizes with the spec, onnx with the model's metadata). For each",
    'output (logits, probs, features) it prints the max absolute difference, the relative one',
    '(max|onnx - tfjs| / max|tfjs|) and the top-1 agreement; with labelled data also both',
    'accuracies. Exit code 0 when every relative difference is within --tolerance, 1 otherwise.',
    '',
    'Examples:',
    '  randwire verify fmnist.onnx --against runs/fmnist',
    '  randwire verify cifar.onnx --against runs/cifar --data cifar10=~/data/cifar-10-batches-bin --samples 500 --json',
  ].join('\n'),
  options: {
    against: {
      type: 'string',
      arg: 'DIR',
      description: 'the run directory the model was exported from (required)',
    },
    data: {
      type: 'string',
      arg: 'SOURCE',
      default: VERIFY_DEFAULTS.data,
      description: 'real samples to compare on',
    },
    samples: {
      type: 'string',
      arg: 'N',
      default: String(VERIFY_DEFAULTS.samples),
      description: 'samples from --data',
    },
    random: {
      type: 'string',
      arg: 'N',
      default: String(VERIFY_DEFAULTS.random),
      description: 'seeded random inputs',
    },
    tolerance: {
      type: 'string',
      arg: 'X',
      default: String(VERIFY_DEFAULTS.tolerance),
      description: 'largest allowed relative difference',
    },
    seed: {
      type: 'string',
      arg: 'S',
      default: String(VERIFY_DEFAULTS.seed),
      description: 'seed of the random inputs',
    },
    backend: BACKEND_OPTION,
    batch: {
      type: 'string',
      arg: 'N',
      default: String(VERIFY_DEFAULTS.batch),
      description: 'images per call',
    },
    threads: {
      type: 'string',
      arg: 'N',
      default: '0',
      description: 'onnxruntime intra-op threads (0 = one per core)',
    },
    json: { type: 'boolean', description: 'print the report as JSON on stdout' },
  },
  positionals: [1, 1],
  async run(values, [modelPath], ctx) {
    const against = values['against'];
    if (typeof against !== 'string') throw new UserError(`randwire ${NAME}: --against run/ is required`);
    const report = await verifyOnnxAgainstRun(
      modelPath!,
      against,
      {
        data: String(values['data']),
        samples: numberOption(NAME, 'samples', values['samples'], { integer: true, min: 0 })!,
        random: numberOption(NAME, 'random', values['random'], { integer: true, min: 0 })!,
        tolerance: numberOption(NAME, 'tolerance', values['tolerance'], { min: 0 })!,
        seed: numberOption(NAME, 'seed', values['seed'], { integer: true, min: 0 })!,
        backend: backendOption(NAME, values['backend']),
        batch: numberOption(NAME, 'batch', values['batch'], { integer: true, min: 1 })!,
        threads: numberOption(NAME, 'threads', values['threads'], { integer: true, min: 0 })!,
      },
      (line) => ctx.err(`verify: ${line}`),
    );
    if (values['json']) ctx.out(JSON.stringify(report));
    else printReport(report, ctx);
    return report.pass ? 0 : 1;
  },
};
