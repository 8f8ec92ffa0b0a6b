// The report of a sweep: results grouped by everything but the seed, with mean ± std (n, min,
// max) of test accuracy, loss, parameters, multiply-adds and training time per group; which
// fields vary across groups (they label the groups) and which are common; and the Markdown
// page that shows the table and links the plots (plots.ts).
import { stableStringify } from '@randwire/spec';
import type { PointResult } from './results';
import { groupResults, type Summary, summarize } from './statistics';

export interface ReportPoint {
  id: string;
  dir: string;
  seed: number;
  testAcc: number;
  testLoss: number;
  params: number;
  multiplyAdds: number;
}

export interface GroupReport {
  /** Short name: the graph model(s) as the paper writes them (WS(4, 0.75)) when the wiring
   * varies, then every other varying field as name=value. */
  label: string;
  /** The group's value of every field (θ, training options, data, engine; no seed). */
  fields: Record<string, unknown>;
  graph: string;
  n: number;
  seeds: number[];
  testAcc: Summary;
  testLoss: Summary;
  params: Summary;
  multiplyAdds: Summary;
  trainSeconds: Summary;
  points: ReportPoint[];
}

export interface SweepReport {
  results: number;
  /** Fields whose values differ between groups, in field order. */
  varying: string[];
  /** Fields equal in every group, with their values. */
  common: Record<string, unknown>;
  /** Varying fields with numeric values (accuracy against each is plotted as a line). */
  numeric: string[];
  groups: GroupReport[];
}

const GRAPH_FIELDS = ['model', 'k', 'p', 'm'];

/** `WS(4, 0.75)`, `BA(5)`, `ER(0.2)` of one stage's graph. */
export function graphLabel(g: { model: string; params: Record<string, number> }): string {
  const v = (k: string) => g.params[k];
  switch (g.model) {
    case 'ws':
      return `WS(${v('k')}, ${v('p')})`;
    case 'ba':
      return `BA(${v('m')})`;
    case 'er':
      return `ER(${v('p')})`;
    default:
      return g.model;
  }
}

/** The graph label of a result: one label if every stage has the same, else joined by ' / '. */
export function resultGraphLabel(r: Pick<PointResult, 'graphs'>): string {
  const labels = [...new Set(r.graphs.map(graphLabel))];
  return labels.join(' / ');
}

export function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Groups `results` and summarises each group (see the file comment). */
export function buildReport(results: readonly PointResult[]): SweepReport {
  const groups = groupResults(results);
  const keys: string[] = [];
  for (const g of groups) for (const k of Object.keys(g.fields)) if (!keys.includes(k)) keys.push(k);
  const varying = keys.filter(
    (k) => new Set(groups.map((g) => stableStringify(g.fields[k] ?? null))).size > 1,
  );
  const common: Record<string, unknown> = {};
  for (const k of keys)
    if (!varying.includes(k) && groups[0]?.fields[k] !== undefined) common[k] = groups[0].fields[k];
  const numeric = varying.filter((k) =>
    groups.every((g) => g.fields[k] === undefined || typeof g.fields[k] === 'number'),
  );
  const graphVaries = varying.some((k) => GRAPH_FIELDS.includes(k));
  return {
    results: results.length,
    varying,
    common,
    numeric,
    groups: groups.map((g) => {
      const rs = g.results;
      const graph = resultGraphLabel(rs[0]!);
      const parts = [
        ...(graphVaries ? [graph] : []),
        ...varying
          .filter((k) => !GRAPH_FIELDS.includes(k) && g.fields[k] !== undefined)
          .map((k) => `${k}=${formatValue(g.fields[k])}`),
      ];
      return {
        label: parts.length ? parts.join(' ') : graph,
        fields: g.fields,
        graph,
        n: rs.length,
        seeds: rs.map((r) => r.seed),
        testAcc: summarize(rs.map((r) => r.testAcc)),
        testLoss: summarize(rs.map((r) => r.testLoss)),
        params: summarize(rs.map((r) => r.params)),
        multiplyAdds: summarize(rs.map((r) => r.multiplyAdds)),
        trainSeconds: summarize(rs.map((r) => r.trainSeconds)),
        points: rs.map((r) => ({
          id: r.id,
          dir: r.dir,
          seed: r.seed,
          testAcc: r.testAcc,
          testLoss: r.testLoss,
          params: r.params,
          multiplyAdds: r.multiplyAdds,
        })),
      };
    }),
  };
}

/** 0.8123 → "81.23" (percent, 2 decimals). */
export const percent = (x: number) => (x * 100).toFixed(2);

/** 1234567 → "1.23" (millions, 2 decimals). */
export const millions = (x: number) => (x / 1e6).toFixed(2);

/** "mean ± std" with `fmt` applied to both ("mean" alone for one value). */
export function meanStd(s: Summary, fmt: (x: number) => string): string {
  return s.std === null ? fmt(s.mean) : `${fmt(s.mean)} ± ${fmt(s.std)}`;
}

/** The report's table rows (also printed by `randwire report`). */
export function reportTable(report: SweepReport): { header: string[]; rows: string[][] } {
  return {
    header: [
      'group',
      'n',
      'test acc % (mean ± std)',
      'min',
      'max',
      'params (M)',
      'multiply-adds (M)',
      'train s',
    ],
    rows: report.groups.map((g) => [
      g.label,
      String(g.n),
      meanStd(g.testAcc, percent),
      percent(g.testAcc.min),
      percent(g.testAcc.max),
      meanStd(g.params, millions),
      meanStd(g.multiplyAdds, millions),
      meanStd(g.trainSeconds, (x) => x.toFixed(1)),
    ]),
  };
}

/** report.md: what was swept, the table, and the plots (paths relative to the report). */
export function reportMarkdown(
  report: SweepReport,
  options: { title: string; plots: ReadonlyArray<{ file: string; caption: string }> },
): string {
  const { header, rows } = reportTable(report);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const line = (cells: string[]) => `| ${cells.map(esc).join(' | ')} |`;
  const common = Object.entries(report.common)
    .filter(([, v]) => v !== null) // limit, testLimit: null = all images
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(', ');
  const out = [
    `# ${options.title}`,
    '',
    `${report.results} finished point(s) in ${report.groups.length} group(s); a group is every setting but the seed, and ± is the sample standard deviation over its seeds (networks).`,
    '',
    `- varying: ${report.varying.length ? report.varying.join(', ') : 'nothing (one group)'}`,
    `- common: ${common || '—'}`,
    '',
    line(header),
    `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map(line),
    '',
  ];
  for (const p of options.plots) out.push(`![${p.caption}](${p.file})`, '', `*${p.caption}*`, '');
  return out.join('\n');
}
