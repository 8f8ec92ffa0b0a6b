// Results: the JSON document written to results/<name>.json and the Markdown table.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult, RunSettings } from './harness';
import type { MachineInfo } from './machine';

export const RESULTS_FORMAT = 'randwire-benchmark';
export const RESULTS_VERSION = 1;

export interface BenchmarkResults {
  format: typeof RESULTS_FORMAT;
  version: typeof RESULTS_VERSION;
  benchmark: string;
  description: string;
  /** ISO 8601 time the run started. */
  date: string;
  quick: boolean;
  settings: RunSettings;
  machine: MachineInfo;
  versions: Record<string, string | null>;
  cases: CaseResult[];
  notes: string[];
}

/** Writes `<dir>/<name>.json` atomically (temporary file in the same directory, then rename). */
export function writeResults(dir: string, results: BenchmarkResults): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${results.benchmark}.json`);
  const tmp = join(dir, `.${results.benchmark}.json.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return path;
}

/** 1234567 → "1.23M", 0.5 → "0.500". */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  if (abs >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  if (abs >= 10) return x.toFixed(1);
  return x.toPrecision(3);
}

/** Seconds → "12.3 µs" / "4.56 ms" / "1.23 s". */
export function formatSeconds(s: number): string {
  if (s < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${s.toPrecision(3)} s`;
}

/** The Markdown table: one row per variant and one per reference. */
export function markdownTable(results: BenchmarkResults): string {
  const header = ['case', 'implementation', 'median', 'min–max', 'time/op', 'vs reference', 'cpu/wall'];
  const rows: string[][] = [];
  for (const c of results.cases) {
    for (const v of c.variants) {
      rows.push([
        c.name,
        v.name,
        `${formatRate(v.median)} ${c.unit}`,
        `${formatRate(v.min)}–${formatRate(v.max)}`,
        formatSeconds(v.secondsPerOperation),
        v.vsReference === null ? '' : `${v.vsReference.toFixed(1)}×`,
        v.cpuPerWall === null ? '' : v.cpuPerWall.toFixed(2),
      ]);
    }
    const ref = c.reference;
    if (ref && 'unavailable' in ref)
      rows.push([c.name, ref.name, `unavailable: ${ref.unavailable}`, '', '', '', '']);
    else if (ref) {
      rows.push([
        c.name,
        ref.name,
        `${formatRate(ref.median)} ${c.unit}`,
        `${formatRate(ref.min)}–${formatRate(ref.max)}`,
        formatSeconds(ref.secondsPerOperation),
        '1.0×',
        ref.cpuPerWall === null ? '' : ref.cpuPerWall.toFixed(2),
      ]);
    }
  }
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const m = results.machine;
  const out = [`### ${results.benchmark}${results.quick ? ' (quick)' : ''}`, '', results.description, ''];
  const withMetrics = results.cases.filter((c) => c.metrics !== undefined);
  if (rows.length > 0 || withMetrics.length === 0)
    out.push(line(header), line(header.map(() => '---')), ...rows.map(line), '');
  if (withMetrics.length > 0) {
    // Cases' non-rate results: one column per number or string metric.
    const printable = (v: unknown) => typeof v === 'number' || typeof v === 'string';
    const keys = [
      ...new Set(
        withMetrics.flatMap((c) =>
          Object.entries(c.metrics!)
            .filter(([, v]) => printable(v))
            .map(([k]) => k),
        ),
      ),
    ];
    const cell = (v: unknown) => (typeof v === 'number' ? formatRate(v) : v === undefined ? '' : String(v));
    out.push(line(['case', ...keys]), line(['---', ...keys.map(() => '---')]));
    for (const c of withMetrics) out.push(line([c.name, ...keys.map((k) => cell(c.metrics![k]))]));
    out.push('');
  }
  out.push(
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, load ${m.loadAverage.join('/')}, Node ${m.node}, ${results.date}`,
  );
  const contended = results.cases.filter((c) => c.contention).map((c) => c.name);
  if (contended.length > 0) {
    out.push(
      `**Contention**: CPU/wall below 0.8 in some samples of ${contended.join(', ')}: another process took the CPU; treat those numbers as noisy.`,
    );
  }
  for (const note of results.notes) out.push(`- ${note}`);
  return `${out.join('\n')}\n`;
}
