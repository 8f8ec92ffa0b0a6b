// The plots of a sweep report, as SVG documents:
// - accuracy per group (the paper's Figure 3): one dot per seed (network), the mean as a
//   diamond with a ± 1 std error bar;
// - accuracy against each numeric swept field (P, K, M, N, C, a training option): the mean as
//   a line per series (the other varying fields) with a ± 1 std band;
// - accuracy against multiply-adds: one dot per network, coloured by group.
import { Chart, colorAt, type LegendEntry } from './chart';
import { THETA_FIELDS } from './plan';
import { formatValue, type GroupReport, type SweepReport } from './report';

export interface PlotFile {
  /** File name (e.g. `accuracy-by-group.svg`). */
  file: string;
  caption: string;
  svg: string;
}

/** Axis titles of the fields a sweep may vary. */
export const FIELD_LABELS: Readonly<Record<string, string>> = Object.freeze({
  k: 'K (WS: neighbours on the ring)',
  p: 'P (WS: rewiring probability; ER: edge probability)',
  m: 'M (BA: edges per added node)',
  nodes: 'N (nodes per random stage)',
  channels: 'C (channels of the first random stage)',
  classes: 'classes',
  headChannels: 'head channels',
  dropout: 'dropout probability',
  epochs: 'training epochs',
  batchSize: 'batch size (images)',
  lr: 'initial learning rate',
  momentum: 'SGD momentum',
  weightDecay: 'weight decay',
  labelSmoothing: 'label smoothing',
  warmupEpochs: 'warm-up epochs',
  dropEdge: 'drop-edge probability',
  evalBatchSize: 'evaluation batch size',
  limit: 'training images',
  testLimit: 'test images',
});

const pct = (x: number) => x * 100;
const ACC_AXIS = { label: 'test accuracy (%)', format: (v: number) => v.toFixed(1) };
const MAX_LEGEND = 14;

/** The subtitle's "common:" part: θ and the main training and data settings. */
function commonText(report: SweepReport): string {
  const keys = [...THETA_FIELDS, 'epochs', 'batchSize', 'lr', 'data', 'limit', 'engine'];
  const text = keys
    .filter((k) => report.common[k] !== undefined && report.common[k] !== null)
    .map((k) => `${k}=${formatValue(report.common[k])}`)
    .join(', ');
  return text || '—';
}

function capLegend(entries: LegendEntry[]): LegendEntry[] {
  if (entries.length <= MAX_LEGEND) return entries;
  return [
    ...entries.slice(0, MAX_LEGEND - 1),
    { label: `… and ${entries.length - MAX_LEGEND + 1} more`, color: '#bbb', mark: 'dot' },
  ];
}

const lo = (g: GroupReport) => g.testAcc.mean - (g.testAcc.std ?? 0);
const hi = (g: GroupReport) => g.testAcc.mean + (g.testAcc.std ?? 0);

/** Figure 3 style: accuracy of every network per group, mean ± std beside the dots. */
export function accuracyByGroupPlot(report: SweepReport): PlotFile {
  const gs = report.groups;
  const chart = new Chart(
    {
      title: 'Test accuracy per generator',
      subtitle: `${report.results} networks; common: ${commonText(report)}`,
      x: {
        label: report.varying.length ? `group (${report.varying.join(', ')})` : 'group',
        categories: gs.map((g) => g.label),
      },
      y: ACC_AXIS,
      legend: [
        { label: 'one network (seed)', color: '#888', mark: 'dot' },
        { label: 'mean over seeds', color: '#222', mark: 'diamond' },
        { label: '± 1 std (sample)', color: '#222', mark: 'errorbar' },
      ],
      plotWidth: Math.max(420, Math.min(900, gs.length * 90)),
    },
    [],
    gs.flatMap((g) => [...g.points.map((p) => pct(p.testAcc)), pct(lo(g)), pct(hi(g))]),
  );
  const offset = Math.min(18, chart.xUnit * 0.22);
  gs.forEach((g, i) => {
    const n = g.points.length;
    g.points.forEach((p, j) => {
      const jitter = n > 1 ? ((j / (n - 1)) * 2 - 1) * Math.min(0.16, 0.04 * n) : 0;
      chart.dot(
        i - 0.08 + jitter,
        pct(p.testAcc),
        colorAt(i),
        4,
        `${g.label} seed ${p.seed}: ${(p.testAcc * 100).toFixed(2)}%`,
      );
    });
    if (g.testAcc.std !== null) chart.errorBar(i, pct(lo(g)), pct(hi(g)), '#222', offset);
    chart.diamond(
      i,
      pct(g.testAcc.mean),
      '#222',
      offset,
      `${g.label}: mean ${(g.testAcc.mean * 100).toFixed(2)}%`,
    );
  });
  return {
    file: 'accuracy-by-group.svg',
    caption: 'Test accuracy per group: one dot per network (seed), mean ± 1 std',
    svg: chart.svg(),
  };
}

/** Accuracy against one numeric field: a line per series with a ± 1 std band. */
export function accuracyVsFieldPlot(report: SweepReport, field: string): PlotFile | null {
  const others = report.varying.filter((k) => k !== field);
  const series = new Map<string, GroupReport[]>();
  for (const g of report.groups) {
    if (typeof g.fields[field] !== 'number') continue;
    const key = others
      .filter((k) => g.fields[k] !== undefined)
      .map((k) => (k === 'model' ? String(g.fields[k]).toUpperCase() : `${k}=${formatValue(g.fields[k])}`))
      .join(', ');
    series.set(key, [...(series.get(key) ?? []), g]);
  }
  const lines = [...series.entries()]
    .map(([label, gs]) => ({
      label: label || 'all',
      gs: gs.sort((a, b) => (a.fields[field] as number) - (b.fields[field] as number)),
    }))
    .filter((s) => new Set(s.gs.map((g) => g.fields[field])).size >= 2);
  if (lines.length === 0) return null;
  const all = lines.flatMap((s) => s.gs);
  const chart = new Chart(
    {
      title: `Test accuracy against ${field}`,
      subtitle: `mean over seeds with a ± 1 std band; common: ${commonText(report)}`,
      x: {
        label: FIELD_LABELS[field] ?? field,
        integer: all.every((g) => Number.isInteger(g.fields[field])),
      },
      y: ACC_AXIS,
      legend: capLegend([
        ...lines.map((s, i) => ({ label: s.label, color: colorAt(i), mark: 'line' as const })),
        { label: '± 1 std (sample)', color: '#888', mark: 'band' },
        { label: 'one network (seed)', color: '#888', mark: 'dot' },
      ]),
    },
    all.map((g) => g.fields[field] as number),
    all.flatMap((g) => [pct(lo(g)), pct(hi(g)), ...g.points.map((p) => pct(p.testAcc))]),
  );
  lines.forEach((s, i) => {
    const c = colorAt(i);
    chart.band(
      s.gs.map((g) => [g.fields[field] as number, pct(lo(g)), pct(hi(g))]),
      c,
    );
    chart.polyline(
      s.gs.map((g) => [g.fields[field] as number, pct(g.testAcc.mean)]),
      c,
    );
    for (const g of s.gs) {
      for (const p of g.points)
        chart.dot(g.fields[field] as number, pct(p.testAcc), c, 2.5, `${g.label} seed ${p.seed}`);
    }
  });
  return {
    file: `accuracy-vs-${field}.svg`,
    caption: `Test accuracy against ${field}: mean over seeds, ± 1 std band`,
    svg: chart.svg(),
  };
}

/** Accuracy against multiply-adds per image: one dot per network, coloured by group. */
export function accuracyVsCostPlot(report: SweepReport): PlotFile {
  const points = report.groups.flatMap((g, i) => g.points.map((p) => ({ g, i, p })));
  const chart = new Chart(
    {
      title: 'Test accuracy against multiply-adds',
      subtitle: `one dot per network; common: ${commonText(report)}`,
      x: { label: 'multiply-adds per image (millions)', format: (v) => String(Number(v.toPrecision(4))) },
      y: ACC_AXIS,
      legend: capLegend(
        report.groups.map((g, i) => ({ label: g.label, color: colorAt(i), mark: 'dot' as const })),
      ),
    },
    points.map(({ p }) => p.multiplyAdds / 1e6),
    points.map(({ p }) => pct(p.testAcc)),
  );
  for (const { g, i, p } of points) {
    chart.dot(p.multiplyAdds / 1e6, pct(p.testAcc), colorAt(i), 4.5, `${g.label} seed ${p.seed}`);
  }
  return {
    file: 'accuracy-vs-multiply-adds.svg',
    caption: 'Test accuracy against multiply-adds per image: one dot per network',
    svg: chart.svg(),
  };
}

/** Every plot of a report: per group, against each numeric swept field, against cost. */
export function sweepPlots(report: SweepReport): PlotFile[] {
  if (report.groups.length === 0) return [];
  return [
    accuracyByGroupPlot(report),
    ...report.numeric.map((f) => accuracyVsFieldPlot(report, f)).filter((p): p is PlotFile => p !== null),
    accuracyVsCostPlot(report),
  ];
}
