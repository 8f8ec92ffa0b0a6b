// Runs registered benchmarks: progress on stderr, a Markdown table and results/<name>.json.
import { join } from 'node:path';
import { type Benchmark, type CaseResult, DEFAULT_SETTINGS, measureCase, QUICK_SETTINGS } from './harness';
import { machineInfo, packageVersions } from './machine';
import {
  type BenchmarkResults,
  markdownTable,
  RESULTS_FORMAT,
  RESULTS_VERSION,
  writeResults,
} from './report';

/** Packages whose versions every result records. */
export const RECORDED_PACKAGES = [
  '@randwire/graphs',
  '@randwire/dag',
  '@randwire/spec',
  '@randwire/tfjs',
  '@randwire/onnx',
  '@randwire/onnx-train',
  'graphology',
  '@tensorflow/tfjs',
  'onnxruntime-node',
] as const;

export const DEFAULT_RESULTS_DIR = join(__dirname, '..', 'results');

export interface RunOptions {
  /** Benchmark names to run (all when empty). */
  only?: string[];
  quick?: boolean;
  /** Only cases whose name contains this text. */
  filter?: string;
  /** Run reference implementations (default true). */
  reference?: boolean;
  /** Folder for `<name>.json` (default apps/benchmarks/results). */
  out?: string;
  log?: (line: string) => void;
}

export const RUN_DEFAULTS = Object.freeze({
  only: [] as string[],
  quick: false,
  reference: true,
  out: DEFAULT_RESULTS_DIR,
});

export interface RunOutput {
  results: BenchmarkResults;
  path: string;
  table: string;
}

export async function runBenchmarks(registry: Benchmark[], options: RunOptions = {}): Promise<RunOutput[]> {
  const only = options.only ?? RUN_DEFAULTS.only;
  const quick = options.quick ?? RUN_DEFAULTS.quick;
  const reference = options.reference ?? RUN_DEFAULTS.reference;
  const out = options.out ?? RUN_DEFAULTS.out;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const unknown = only.filter((name) => !registry.some((b) => b.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark(s) ${unknown.join(', ')}: available: ${registry.map((b) => b.name).join(', ')}`,
    );
  }
  const selected = only.length > 0 ? registry.filter((b) => only.includes(b.name)) : registry;
  const settings = quick ? QUICK_SETTINGS : DEFAULT_SETTINGS;
  const outputs: RunOutput[] = [];
  for (const benchmark of selected) {
    const date = new Date().toISOString();
    const machine = machineInfo();
    const cases: CaseResult[] = [];
    const t0 = Date.now();
    try {
      const all = await benchmark.setup({ quick, reference, log });
      const list = options.filter ? all.filter((c) => c.name.includes(options.filter!)) : all;
      const totalSamples = list.reduce(
        (sum, c) =>
          sum + (c.variants.length === 0 && !c.reference ? 1 : (c.settings?.samples ?? settings.samples)),
        0,
      );
      let done = 0;
      for (const [i, c] of list.entries()) {
        cases.push(
          await measureCase(c, settings, (round, of) => {
            done++;
            const elapsed = (Date.now() - t0) / 1000;
            const eta = (elapsed / done) * (totalSamples - done);
            log(
              `${benchmark.name} [${i + 1}/${list.length}] ${c.name}: sample ${round}/${of}, elapsed ${elapsed.toFixed(1)} s, ETA ~${eta.toFixed(0)} s`,
            );
          }),
        );
      }
    } finally {
      await benchmark.teardown?.();
    }
    const results: BenchmarkResults = {
      format: RESULTS_FORMAT,
      version: RESULTS_VERSION,
      benchmark: benchmark.name,
      description: benchmark.description,
      date,
      quick,
      settings: { ...settings },
      machine,
      versions: { node: process.version, ...packageVersions(RECORDED_PACKAGES) },
      cases,
      notes: [...(benchmark.notes ?? [])],
    };
    const path = writeResults(out, results);
    log(`${benchmark.name}: wrote ${path}`);
    outputs.push({ results, path, table: markdownTable(results) });
  }
  return outputs;
}
