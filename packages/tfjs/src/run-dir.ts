// The run directory written by training and read by evaluation, prediction and export:
//   spec.json            the spec (canonical JSON as given)
//   model/model.json     tfjs LayersModel artifacts (tf.io file format) ...
//   model/weights.bin    ... weight names = parameterList(spec) names
//   metrics.jsonl        one JSON line per epoch
//   train-config.json    resolved options, data description, backend
//   checkpoints/step-NNNNNNNNN.ckpt
// Every file is written atomically (temp file in the same folder, then rename); the model
// is saved with model-io's saveModelToDir (per-file atomic, weights first).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type NetworkSpec, parseSpec, writeFileAtomic } from '@randwire/spec';
import { RunDirError } from './errors';

export const RUN_FILES = Object.freeze({
  spec: 'spec.json',
  /** The model folder (model-io's MODEL_JSON and WEIGHTS_BIN). */
  model: 'model',
  metrics: 'metrics.jsonl',
  config: 'train-config.json',
  checkpoints: 'checkpoints',
});

/** Writes `data` to `path` atomically (temp file, fsync, rename): @randwire/spec's, re-exported. */
export { writeFileAtomic };

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

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new RunDirError(
      `@randwire/tfjs/run-dir: ${path}: cannot read the ${what} (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
}

function readJson(path: string, what: string): unknown {
  const text = readText(path, what);
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

/** The run's spec, validated (an invalid one throws @randwire/spec's SpecError naming the file). */
export function readRunSpec(dir: string): NetworkSpec {
  const path = join(dir, RUN_FILES.spec);
  return parseSpec(readText(path, 'spec'), path);
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
