// The results store of a sweep: DIR/results.jsonl, one JSON line per finished point. A line is
// appended with one write (O_APPEND) and fsync'd, after the point's own result.json is in
// place, so a crash leaves at most one torn last line and never a line for an unfinished
// point. Reading skips torn and duplicate lines (first line of an id wins) and says so;
// `writeResults` rewrites the file atomically without them.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { writeFileAtomic } from '@randwire/spec';
import { ResultsError } from './errors';
import type { Theta } from './plan';
import type { Recipe } from './point';

export const RESULT_FORMAT = 'randwire-sweep-result';
export const RESULT_VERSION = 1;

/** What one finished point measured (a line of results.jsonl, and the point's result.json). */
export interface PointResult {
  format: typeof RESULT_FORMAT;
  version: typeof RESULT_VERSION;
  id: string;
  /** The point's run directory, relative to the sweep directory. */
  dir: string;
  theta: Theta;
  seed: number;
  /** Spec name and SHA-256 of its canonical JSON (as train-config.json records it). */
  spec: string;
  specHash: string;
  /** Each random stage's graph model and parameters, as generated. */
  graphs: Array<{ stage: string; model: string; params: Record<string, number> }>;
  recipe: Recipe;
  params: number;
  trainableParams: number;
  /** Per image. */
  multiplyAdds: number;
  testAcc: number;
  testLoss: number;
  trainAcc: number;
  trainLoss: number;
  epochs: number;
  /** Training seconds over all epochs (evaluation excluded; from metrics.jsonl). */
  trainSeconds: number;
  /** Seconds of the per-epoch evaluations. */
  evalSeconds: number;
  /** Training images per second over the whole run. */
  imagesPerSec: number;
  /** What trained it: 'tfjs' or 'onnxruntime', the tfjs backend, onnxruntime threads. */
  engine: string;
  backend: string;
  threads: number;
  /** Seconds of the session that finished the point: in @randwire/tfjs's train() (model,
   * engine, training, evaluation, checkpoints), in runPoint outside it (validation, lock, data,
   * backend, result), and from entering runPoint to the result. */
  timing: { trainCallSeconds: number; outsideSeconds: number; wallSeconds: number };
  /** ISO time the result was written. */
  finishedAt: string;
}

export interface ReadResults {
  results: PointResult[];
  /** Lines left out: not JSON, not a result, or an id seen before. */
  skipped: Array<{ line: number; why: string }>;
}

/** Reads a results.jsonl (a missing file holds no results). */
export function readResults(path: string): ReadResults {
  if (!existsSync(path)) return { results: [], skipped: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ResultsError(`@randwire/studies/results: cannot read ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const lines = text.split('\n');
  const results: PointResult[] = [];
  const skipped: ReadResults['skipped'] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const torn = i === lines.length - 1; // no newline after it: an interrupted append
    let r: PointResult;
    try {
      r = JSON.parse(line) as PointResult;
    } catch {
      skipped.push({ line: i + 1, why: torn ? 'torn last line (interrupted write)' : 'not JSON' });
      return;
    }
    if (r === null || typeof r !== 'object' || r.format !== RESULT_FORMAT || typeof r.id !== 'string') {
      skipped.push({ line: i + 1, why: `not a ${RESULT_FORMAT} line` });
    } else if (seen.has(r.id)) {
      skipped.push({ line: i + 1, why: `point ${r.id} again` });
    } else if (torn) {
      skipped.push({ line: i + 1, why: 'torn last line (interrupted write)' });
    } else {
      seen.add(r.id);
      results.push(r);
    }
  });
  return { results, skipped };
}

/** Appends one result line: one write with O_APPEND, then fsync. */
export function appendResult(path: string, result: PointResult): void {
  const line = Buffer.from(`${JSON.stringify(result)}\n`, 'utf8');
  try {
    const fd = openSync(path, 'a');
    try {
      let off = 0;
      while (off < line.length) off += writeSync(fd, line, off, line.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new ResultsError(`@randwire/studies/results: cannot append to ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Rewrites a results file atomically with exactly these lines. */
export function writeResults(path: string, results: readonly PointResult[]): void {
  try {
    writeFileAtomic(path, results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  } catch (e) {
    throw new ResultsError(`@randwire/studies/results: cannot write ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
