// onnxruntime-node inference throughput of a model (images/s), with the CPU time the process
// used per wall-clock second so a benchmark can notice contention from other processes.
import { OnnxRuntimeError } from './errors';
import { readOnnxMetadata } from './metadata';
import { type GraphOptimizationLevel, OnnxSession } from './run-onnx';

export interface ThroughputOptions {
  batch?: number;
  /** intraOpNumThreads (0 = onnxruntime's choice). */
  threads?: number;
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Untimed runs first. */
  warmup?: number;
  /** Keep timing until this much time has passed ... */
  minSeconds?: number;
  /** ... and at least this many timed runs. */
  minIterations?: number;
}

export const THROUGHPUT_DEFAULTS = Object.freeze({
  batch: 32,
  threads: 1,
  graphOptimizationLevel: 'all' as GraphOptimizationLevel,
  warmup: 3,
  minSeconds: 2,
  minIterations: 5,
});

export interface Throughput {
  batch: number;
  threads: number;
  graphOptimizationLevel: GraphOptimizationLevel;
  iterations: number;
  /** Median milliseconds per batch. */
  msPerBatch: number;
  /** batch / median seconds per batch. */
  imagesPerSecond: number;
  /** Process CPU seconds per wall second while timing (≈ threads when uncontended). */
  cpuPerWall: number;
}

/** Times repeated runs of one random batch (seeded values; speed does not depend on them). */
export async function measureOnnxThroughput(
  model: Uint8Array | string,
  options: ThroughputOptions = {},
): Promise<Throughput> {
  const o = {
    ...THROUGHPUT_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v != null)),
  } as Required<ThroughputOptions>;
  if (
    !Number.isInteger(o.warmup) ||
    o.warmup < 0 ||
    !Number.isInteger(o.minIterations) ||
    o.minIterations < 1
  ) {
    throw new OnnxRuntimeError(
      `@randwire/onnx/throughput: invalid warmup (${o.warmup}) or minIterations (${o.minIterations}): must be integers >= 0 and >= 1`,
    );
  }
  const { spec } = readOnnxMetadata(model);
  const { height, width, channels } = spec.input;
  const data = new Float32Array(o.batch * channels * height * width);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 12.9898) * 1.5;
  const session = await OnnxSession.create(model, {
    batch: o.batch,
    threads: o.threads,
    graphOptimizationLevel: o.graphOptimizationLevel,
    executionProvider: 'cpu',
  });
  const input = { data, shape: [o.batch, channels, height, width] as [number, number, number, number] };
  try {
    for (let i = 0; i < o.warmup; i++) await session.run(input);
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    const wall0 = process.hrtime.bigint();
    while (times.length < o.minIterations || Number(process.hrtime.bigint() - wall0) / 1e9 < o.minSeconds) {
      const t = process.hrtime.bigint();
      await session.run(input);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    return {
      batch: o.batch,
      threads: o.threads,
      graphOptimizationLevel: o.graphOptimizationLevel,
      iterations: times.length,
      msPerBatch: median,
      imagesPerSecond: o.batch / (median / 1000),
      cpuPerWall: (cpu.user + cpu.system) / 1e6 / wall,
    };
  } finally {
    await session.release();
  }
}
