// The benchmark harness: benchmarks declare cases; the harness warms up, takes repeated
// samples of every variant ALTERNATING with the reference (so a load spike on this shared
// machine hits both sides), and reports median and min–max rates, CPU time / wall time (a
// ratio well below 1 for single-threaded code means another process took the core), and the
// ratio to the reference.

/** One timed run of code outside this process (e.g. Python), timed by that code itself. */
export interface ExternalSample {
  operations: number;
  wallSeconds: number;
  /** CPU seconds of the external process during the sample, when known. */
  cpuSeconds?: number;
}

/** A way of doing the case's operation in this process. */
export interface Variant {
  /** Short name, e.g. `typed-arrays`. */
  name: string;
  /** Performs `iterations` iterations (the harness times the call). */
  run(iterations: number): void | Promise<void>;
  /** Operations one iteration performs, e.g. the images of one training step (default 1). */
  operationsPerIteration?: number;
  /** When present, the harness samples with this instead of timing `run`: runs for about
   * `targetSeconds` and times itself, like a reference (e.g. a training loop whose own rate is
   * the result); called once to warm up. */
  sample?(targetSeconds: number): Promise<ExternalSample>;
}

/** The reference implementation a case is compared with. */
export type Reference =
  | {
      name: string;
      /** Runs for about `targetSeconds` (at least one operation) and reports its own timing. */
      sample(targetSeconds: number): Promise<ExternalSample>;
    }
  | {
      name: string;
      /** Why the reference cannot run here (printed, recorded in the JSON). */
      unavailable: string;
    };

export interface BenchmarkCase {
  /** e.g. `ws n=32 k=4 p=0.75`. */
  name: string;
  params: Record<string, unknown>;
  /** Unit of the rates, e.g. `graphs/s`. */
  unit: string;
  /** Our variants; the first one is the headline. */
  variants: Variant[];
  reference?: Reference;
  /** Overrides of the run settings for a slow case (e.g. big N). */
  settings?: Partial<RunSettings>;
  /** For results that are not rates (e.g. test accuracy): run once before any sampling; the
   * named values are recorded as the case's `metrics` (the table prints the numbers and
   * strings). A case with no variants only reports these. */
  measure?(): Promise<CaseMetrics> | CaseMetrics;
}

/** Named results of a case besides its rates (JSON-safe values). */
export type CaseMetrics = Record<string, unknown>;

export interface RunSettings {
  /** Warm-up time per variant before sampling. */
  warmupSeconds: number;
  /** Samples per variant (and of the reference). */
  samples: number;
  /** Target duration of one sample (at least one operation is always run). */
  sampleSeconds: number;
}

export const DEFAULT_SETTINGS: Readonly<RunSettings> = Object.freeze({
  warmupSeconds: 0.5,
  samples: 7,
  sampleSeconds: 0.4,
});

export const QUICK_SETTINGS: Readonly<RunSettings> = Object.freeze({
  warmupSeconds: 0.02,
  samples: 3,
  sampleSeconds: 0.03,
});

export interface BenchmarkContext {
  quick: boolean;
  /** False with --no-reference: cases should not start reference processes. */
  reference: boolean;
  /** Progress and notes (stderr). */
  log(line: string): void;
}

/** A registered benchmark: one file under `src/benchmarks/`, listed in `src/benchmarks/index.ts`. */
export interface Benchmark {
  /** kebab-case, also the results file name (`results/<name>.json`). */
  name: string;
  description: string;
  /** Builds the cases (may start reference processes). */
  setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> | BenchmarkCase[];
  /** Releases what setup started. Always called, even after a failure. */
  teardown?(): Promise<void> | void;
  /** Notes recorded in the results (how to read them, parameter choices ...). */
  notes?: string[];
}

/** Rates over the samples of one variant or reference (operations per second). */
export interface RateStats {
  median: number;
  min: number;
  max: number;
  /** Median seconds per operation. */
  secondsPerOperation: number;
  /** Median of CPU seconds / wall seconds over samples (null when unknown). */
  cpuPerWall: number | null;
  samples: Array<{ operations: number; wallSeconds: number; cpuSeconds: number | null; rate: number }>;
}

export interface VariantResult extends RateStats {
  name: string;
  /** median(ours) / median(reference): > 1 means faster than the reference. */
  vsReference: number | null;
}

export interface CaseResult {
  name: string;
  params: Record<string, unknown>;
  unit: string;
  settings: RunSettings;
  variants: VariantResult[];
  reference: (RateStats & { name: string }) | { name: string; unavailable: string } | null;
  /** True when some sample's CPU/wall ratio suggests another process took the CPU. */
  contention: boolean;
  /** What the case's `measure` returned (absent when it has none). */
  metrics?: CaseMetrics;
}

/** Below this CPU/wall ratio a single-threaded sample is flagged as contended. */
export const CONTENTION_THRESHOLD = 0.8;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(samples: RateStats['samples']): RateStats {
  const rates = samples.map((s) => s.rate);
  const ratios = samples.filter((s) => s.cpuSeconds !== null).map((s) => s.cpuSeconds! / s.wallSeconds);
  const med = median(rates);
  return {
    median: med,
    min: Math.min(...rates),
    max: Math.max(...rates),
    secondsPerOperation: 1 / med,
    cpuPerWall: ratios.length > 0 ? median(ratios) : null,
    samples,
  };
}

async function timeRun(variant: Variant, iterations: number): Promise<RateStats['samples'][number]> {
  if (variant.sample) return external(await variant.sample(iterations));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await variant.run(iterations);
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const operations = iterations * (variant.operationsPerIteration ?? 1);
  return { operations, wallSeconds, cpuSeconds, rate: operations / wallSeconds };
}

function external(s: ExternalSample): RateStats['samples'][number] {
  return {
    operations: s.operations,
    wallSeconds: s.wallSeconds,
    cpuSeconds: s.cpuSeconds ?? null,
    rate: s.operations / s.wallSeconds,
  };
}

/** Warms a variant up and returns the iteration count that fills one sample (for a
 * self-timed variant: the sample's seconds). */
async function calibrate(variant: Variant, settings: RunSettings): Promise<number> {
  if (variant.sample) {
    await variant.sample(settings.warmupSeconds);
    return settings.sampleSeconds;
  }
  let iterations = 1;
  let spent = 0;
  let perOp = 0;
  do {
    const s = await timeRun(variant, iterations);
    spent += s.wallSeconds;
    perOp = s.wallSeconds / iterations;
    if (s.wallSeconds < settings.sampleSeconds / 4) iterations *= 2;
  } while (spent < settings.warmupSeconds);
  return Math.max(1, Math.round(settings.sampleSeconds / Math.max(perOp, 1e-9)));
}

/** Measures one case: calibrates, then `samples` rounds of (each variant, reference). */
export async function measureCase(
  c: BenchmarkCase,
  base: RunSettings,
  onSample?: (round: number, of: number) => void,
): Promise<CaseResult> {
  const settings: RunSettings = { ...base, ...c.settings };
  const metrics = c.measure ? await c.measure() : undefined;
  if (c.variants.length === 0 && !c.reference) {
    onSample?.(1, 1);
    return {
      name: c.name,
      params: c.params,
      unit: c.unit,
      settings,
      variants: [],
      reference: null,
      contention: false,
      ...(metrics === undefined ? {} : { metrics }),
    };
  }
  const iterations: number[] = [];
  for (const v of c.variants) iterations.push(await calibrate(v, settings));
  const samples: RateStats['samples'][] = c.variants.map(() => []);
  const ref = c.reference && 'sample' in c.reference ? c.reference : null;
  const refSamples: RateStats['samples'] = [];
  let refFailure: string | null = null;
  for (let round = 0; round < settings.samples; round++) {
    for (let i = 0; i < c.variants.length; i++)
      samples[i]!.push(await timeRun(c.variants[i]!, iterations[i]!));
    if (ref && refFailure === null) {
      try {
        refSamples.push(external(await ref.sample(settings.sampleSeconds)));
      } catch (e) {
        refFailure = `failed during sampling: ${(e as Error).message}`;
      }
    }
    onSample?.(round + 1, settings.samples);
  }
  const refStats = ref && refFailure === null ? { name: ref.name, ...summarize(refSamples) } : null;
  const variants = c.variants.map((v, i) => {
    const stats = summarize(samples[i]!);
    return { name: v.name, ...stats, vsReference: refStats ? stats.median / refStats.median : null };
  });
  const all = [...samples.flat(), ...refSamples];
  const contention = all.some(
    (s) => s.cpuSeconds !== null && s.cpuSeconds / s.wallSeconds < CONTENTION_THRESHOLD,
  );
  return {
    name: c.name,
    params: c.params,
    unit: c.unit,
    settings,
    variants,
    reference:
      refStats ??
      (ref && refFailure !== null
        ? { name: ref.name, unavailable: refFailure }
        : c.reference && 'unavailable' in c.reference
          ? c.reference
          : null),
    contention,
    ...(metrics === undefined ? {} : { metrics }),
  };
}
