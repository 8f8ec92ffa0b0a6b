// runPoint(point, dir): trains one sweep point into an ordinary run directory (what `randwire
// train` writes: spec.json, model/, metrics.jsonl, train-config.json, checkpoints/) plus
// point.json (the payload) and, once finished, result.json (what results.jsonl gets). Safe to
// call again on the same directory at any time: a finished point returns its result, an
// interrupted one (Ctrl-C, kill -9, power loss) resumes from its newest checkpoint and ends
// with the weights an uninterrupted run would have, a point killed before its first
// checkpoint starts over. A lock file keeps a second process out. Everything a job-queue
// worker needs is the point payload and a directory.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { PointResult, SweepPoint } from '@randwire/studies';
import type { BackendPreference, TrainOptions } from '@randwire/tfjs';
import { startBackend } from '../backend';
import { loadDataSplit } from '../data';
import { chooseEngine } from '../engine';
import { loadSpec, loadStudies, loadTfjs } from '../lazy-packages';
import { acquireLock } from './lock-file';

/** Files runPoint adds to the run directory. */
export const POINT_FILES = Object.freeze({
  point: 'point.json',
  result: 'result.json',
  lock: 'point.lock',
});

export interface RunPointOptions {
  /** onnxruntime engine intra-op threads (default: every core). */
  threads?: number;
  backend?: BackendPreference;
  /** Abort: training stops at the next step, saves a checkpoint and returns 'interrupted'. */
  signal?: AbortSignal;
  /** Diagnostics (backend, engine, resume); default none. */
  log?: (line: string) => void;
  /** After every optimizer step. */
  onProgress?: (p: { step: number; totalSteps: number }) => void;
}

export type PointOutcome =
  | { status: 'completed'; result: PointResult; reused: boolean }
  | { status: 'interrupted'; step: number };

/** A JSON file's content, undefined when it is missing or not JSON. */
export function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The finished result in `dir` (null when there is none or it belongs to another point). */
export function readPointResult(dir: string, id: string): PointResult | null {
  const r = readJson(join(dir, POINT_FILES.result)) as PointResult | undefined;
  return r && r.id === id && r.format === loadStudies().RESULT_FORMAT ? r : null;
}

/** Trains the point into `dir` (see the file comment). */
export async function runPoint(
  pointJson: unknown,
  dir: string,
  options: RunPointOptions = {},
): Promise<PointOutcome> {
  const t0 = Date.now();
  const studies = loadStudies();
  const tfjs = loadTfjs();
  const log = options.log ?? (() => {});
  const point: SweepPoint = studies.validatePoint(pointJson, join(dir, POINT_FILES.point));
  mkdirSync(dir, { recursive: true });
  const lock = acquireLock(join(dir, POINT_FILES.lock), `point ${point.id} (${dir})`);
  try {
    const done = readPointResult(dir, point.id);
    if (done) return { status: 'completed', result: done, reused: true };
    const pointFile = join(dir, POINT_FILES.point);
    const stored = readJson(pointFile) as { id?: string } | undefined;
    if (stored !== undefined && stored.id !== point.id) {
      throw new studies.PointError(
        `${pointFile}: the directory holds point ${String(stored.id)}, not ${point.id}: give each point its own directory`,
      );
    }
    if (stored === undefined) tfjs.writeJsonFile(pointFile, point);
    const resume =
      existsSync(join(dir, tfjs.RUN_FILES.spec)) &&
      tfjs.listCheckpoints(join(dir, tfjs.RUN_FILES.checkpoints)).length > 0;
    const { spec, recipe } = point;
    const trainSet = loadDataSplit('sweep', recipe.data, spec, 'train');
    const testSet = loadDataSplit('sweep', recipe.data, spec, 'test');
    const backend = await startBackend(options.backend ?? 'auto', { err: log });
    const train = recipe.train as unknown as TrainOptions;
    const engine = chooseEngine('sweep', recipe.engine, spec, { err: log }, options.threads);
    log(
      `${resume ? 'resuming' : 'training'} point ${point.id} (${spec.name}) in ${dir}, ${((Date.now() - t0) / 1000).toFixed(2)} s after the start of runPoint`,
    );
    const totalSteps = Math.floor(trainSet.count / train.batchSize) * train.epochs;
    const trainStart = Date.now();
    const result = await tfjs.train(spec, { train: trainSet, test: testSet }, train, {
      runDir: dir,
      resume,
      force: !resume, // a point killed before its first checkpoint starts over
      ...(options.signal ? { signal: options.signal } : {}),
      ...(engine.factory ? { engine: engine.factory } : {}),
      ...(engine.evaluator ? { evaluator: engine.evaluator } : {}),
      ...(options.onProgress ? { onStep: (s) => options.onProgress!({ step: s.step, totalSteps }) } : {}),
      config: {
        dataChoice: recipe.data,
        backend: {
          name: backend.name,
          package: backend.package,
          threads: backend.threads,
          simd: backend.simd,
        },
        sweepPoint: { id: point.id, theta: point.theta, seed: point.seed },
      },
    });
    const trainCallSeconds = (Date.now() - trainStart) / 1000;
    result.model.dispose();
    if (result.status === 'interrupted') return { status: 'interrupted', step: result.position.step };
    const metrics = result.metrics;
    const last = metrics[metrics.length - 1]!;
    const trainSeconds = metrics.reduce((a, m) => a + m.seconds, 0);
    const cost = loadSpec().costOf(spec).total;
    const wallSeconds = (Date.now() - t0) / 1000;
    const out: PointResult = {
      format: studies.RESULT_FORMAT,
      version: studies.RESULT_VERSION,
      id: point.id,
      dir: studies.pointDirName(point),
      theta: point.theta,
      seed: point.seed,
      spec: spec.name,
      specHash: tfjs.specHash(spec),
      graphs: spec.stages.map((s) => ({ stage: s.name, model: s.graph.model, params: s.graph.params })),
      recipe,
      params: cost.params,
      trainableParams: cost.trainableParams,
      multiplyAdds: cost.multiplyAdds,
      testAcc: last.testAcc!,
      testLoss: last.testLoss!,
      trainAcc: last.trainAcc,
      trainLoss: last.trainLoss,
      epochs: metrics.length,
      trainSeconds,
      evalSeconds: metrics.reduce((a, m) => a + m.evalSeconds, 0),
      imagesPerSec:
        trainSeconds > 0 ? metrics.reduce((a, m) => a + m.imagesPerSec * m.seconds, 0) / trainSeconds : 0,
      engine: engine.name,
      backend: backend.name,
      threads: engine.name === 'onnxruntime' ? (options.threads ?? availableParallelism()) : backend.threads,
      timing: { trainCallSeconds, outsideSeconds: wallSeconds - trainCallSeconds, wallSeconds },
      finishedAt: new Date().toISOString(),
    };
    tfjs.writeJsonFile(join(dir, POINT_FILES.result), out);
    return { status: 'completed', result: out, reused: false };
  } finally {
    lock.release();
  }
}
