// The run directory written by training and read by evaluation, prediction and export:
//   spec.json            the spec (canonical JSON as given)
//   model/model.json     tfjs LayersModel artifacts (tf.io file format) ...
//   model/weights.bin    ... weight names = parameterList(spec) names
//   metrics.jsonl        one JSON line per epoch
//   train-config.json    resolved options, data description, backend
//   checkpoints/step-NNNNNNNNN.ckpt
// Every file is written atomically (temp file in the same folder, then rename); the model
// folder is written beside the old one and swapped in.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { NetworkSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { RunDirError } from './errors';

export const RUN_FILES = Object.freeze({
  spec: 'spec.json',
  model: 'model',
  modelJson: 'model.json',
  weights: 'weights.bin',
  metrics: 'metrics.jsonl',
  config: 'train-config.json',
  checkpoints: 'checkpoints',
});

/** Writes `data` to `path` atomically: a temp file in the same folder, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export interface PrepareRunDirOptions {
  /** Allow a non-empty folder: its run files are replaced. */
  force: boolean;
}

/** Creates `dir` for a new run; refuses a non-empty folder unless `force`, in which case the
 * previous run's files (only those this layout names) are removed. */
export function prepareRunDir(dir: string, options: Partial<PrepareRunDirOptions> = {}): void {
  let entries: string[] = [];
  if (existsSync(dir)) {
    try {
      entries = readdirSync(dir);
    } catch (e) {
      throw new RunDirError(
        `@randwire/tfjs/run-dir: ${dir}: not a readable folder (${(e as Error).message})`,
        {
          cause: e,
        },
      );
    }
  }
  if (entries.length > 0) {
    if (!options.force) {
      throw new RunDirError(
        `@randwire/tfjs/run-dir: ${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}): resume it, choose another folder, or force`,
      );
    }
    for (const f of [
      RUN_FILES.model,
      RUN_FILES.metrics,
      RUN_FILES.config,
      RUN_FILES.checkpoints,
      RUN_FILES.spec,
    ]) {
      rmSync(join(dir, f), { recursive: true, force: true });
    }
  }
  mkdirSync(join(dir, RUN_FILES.checkpoints), { recursive: true });
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RunDirError(
      `@randwire/tfjs/run-dir: ${path}: cannot read the ${what} (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RunDirError(
      `@randwire/tfjs/run-dir: ${path}: the ${what} is not valid JSON (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
}

export function writeRunSpec(dir: string, spec: NetworkSpec): void {
  writeFileAtomic(join(dir, RUN_FILES.spec), `${JSON.stringify(spec, null, 2)}\n`);
}

export function readRunSpec(dir: string): NetworkSpec {
  const spec = readJson(join(dir, RUN_FILES.spec), 'spec') as NetworkSpec;
  if (spec === null || typeof spec !== 'object' || spec.format !== 'randwire-spec') {
    throw new RunDirError(
      `@randwire/tfjs/run-dir: ${join(dir, RUN_FILES.spec)}: not a randwire spec (format must be 'randwire-spec')`,
    );
  }
  return spec;
}

export function writeJsonFile(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function readRunConfig<T = Record<string, unknown>>(dir: string): T {
  return readJson(join(dir, RUN_FILES.config), 'training configuration') as T;
}

/** Reads metrics.jsonl (missing file = no line). */
export function readMetrics<T = Record<string, unknown>>(dir: string): T[] {
  const path = join(dir, RUN_FILES.metrics);
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.map((l, i) => {
    try {
      return JSON.parse(l) as T;
    } catch (e) {
      throw new RunDirError(`@randwire/tfjs/run-dir: ${path}: line ${i + 1} is not valid JSON`, { cause: e });
    }
  });
}

/** Rewrites metrics.jsonl atomically with these lines. */
export function writeMetrics(dir: string, lines: readonly unknown[]): void {
  writeFileAtomic(join(dir, RUN_FILES.metrics), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

function weightDataBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buf = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return new Uint8Array(buf);
}

/** Saves a LayersModel in the tf.io file format (model.json + weights.bin) to `dir`,
 * atomically: written beside it first, then swapped in. */
export async function writeModelDir(model: tf.LayersModel, dir: string): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const old = `${dir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        mkdirSync(tmp, { recursive: true });
        const weights = weightDataBytes(artifacts.weightData);
        writeFileAtomic(join(tmp, RUN_FILES.weights), weights);
        const modelJson = {
          modelTopology: artifacts.modelTopology,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          weightsManifest: [{ paths: [`./${RUN_FILES.weights}`], weights: artifacts.weightSpecs ?? [] }],
        };
        writeFileAtomic(join(tmp, RUN_FILES.modelJson), JSON.stringify(modelJson));
        return {
          modelArtifactsInfo: {
            dateSaved: new Date(),
            modelTopologyType: 'JSON',
            weightDataBytes: weights.length,
          },
        };
      }),
    );
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(tmp, dir);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir) && existsSync(old)) renameSync(old, dir);
    throw e;
  }
}

/** Loads a LayersModel saved by `writeModelDir` (custom layers must be registered, which
 * importing @randwire/tfjs does). */
export async function readModelDir(dir: string): Promise<tf.LayersModel> {
  const jsonPath = join(dir, RUN_FILES.modelJson);
  const json = readJson(jsonPath, 'model') as {
    modelTopology?: object;
    weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  };
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new RunDirError(
      `@randwire/tfjs/run-dir: ${jsonPath}: not a tfjs model.json (needs modelTopology and weightsManifest)`,
    );
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Buffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const path = join(dir, p);
      try {
        parts.push(readFileSync(path));
      } catch (e) {
        throw new RunDirError(
          `@randwire/tfjs/run-dir: ${path}: cannot read the weights (${(e as Error).message})`,
          {
            cause: e,
          },
        );
      }
    }
  }
  const all = Buffer.concat(parts);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  const expected = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * 4, 0);
  if (expected !== weightData.byteLength) {
    throw new RunDirError(
      `@randwire/tfjs/run-dir: ${dir}: weights have ${weightData.byteLength} bytes, model.json needs ${expected}`,
    );
  }
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }),
    );
  } catch (e) {
    throw new RunDirError(
      `@randwire/tfjs/run-dir: ${jsonPath}: cannot load the model (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
}
