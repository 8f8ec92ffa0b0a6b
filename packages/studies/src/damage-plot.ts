// The graph-damage scatter (the paper's Figure 7): the accuracy drop of each damaged network
// against a degree of the removed node (or of the removed edge's ends), one colour per stage.
import { Chart, colorAt } from './chart';
import type { DamageCase, DamageKind } from './damage';
import type { PlotFile } from './plots';
import { pearson } from './statistics';

export interface DamageOutcome {
  case: DamageCase;
  /** Test accuracy of the damaged network. */
  accuracy: number;
  /** Accuracy of the undamaged network minus `accuracy`. */
  drop: number;
}

const DEGREE_LABELS = {
  node: { in: 'in-degree of the removed node', out: 'out-degree of the removed node' },
  edge: { in: 'in-degree of the edge’s target node', out: 'out-degree of the edge’s source node' },
} as const;

/** Accuracy drop against `degree` for the outcomes of one damage kind (null when none). */
export function damagePlot(
  outcomes: readonly DamageOutcome[],
  options: { kind: DamageKind; degree: 'in' | 'out'; network: string; baseline: number },
): PlotFile | null {
  const rows = outcomes.filter((o) => o.case.damage.kind === options.kind);
  if (rows.length === 0) return null;
  const deg = (o: DamageOutcome) => (options.degree === 'in' ? o.case.inDegree : o.case.outDegree);
  const stages = [...new Set(rows.map((o) => o.case.damage.stage))];
  const r = pearson(
    rows.map(deg),
    rows.map((o) => o.drop),
  );
  const chart = new Chart(
    {
      title: `Accuracy drop when one ${options.kind} is removed`,
      subtitle: `${options.network}: ${rows.length} damaged networks, undamaged ${(options.baseline * 100).toFixed(2)}%; Pearson r = ${r === null ? '–' : r.toFixed(2)}`,
      x: {
        label: `${DEGREE_LABELS[options.kind][options.degree]} (edges, input and output nodes counted)`,
        integer: true,
      },
      y: { label: 'accuracy drop (percentage points)', format: (v) => v.toFixed(1), include: [0] },
      legend: stages.map((s, i) => ({ label: `stage ${s}`, color: colorAt(i), mark: 'dot' as const })),
    },
    rows.map(deg).flatMap((d) => [d - 0.5, d + 0.5]),
    rows.map((o) => o.drop * 100),
  );
  chart.add(
    `<path d="M${chart.left},${chart.y(0).toFixed(1)}h${chart.plotWidth}" stroke="#888" stroke-dasharray="4 3"/>`,
  );
  const seen = new Map<string, number>();
  for (const o of rows) {
    const d = deg(o);
    const k = `${o.case.damage.stage}:${d}`;
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    const si = stages.indexOf(o.case.damage.stage);
    // Integer degrees overlap: spread a stage's points at one degree, stages side by side.
    const dx = (si - (stages.length - 1) / 2) * 0.18 + ((n % 5) - 2) * 0.03;
    chart.dot(
      d + dx,
      o.drop * 100,
      colorAt(si),
      4,
      `${o.case.label}: ${(o.accuracy * 100).toFixed(2)}% (drop ${(o.drop * 100).toFixed(2)})`,
    );
  }
  return {
    file: `damage-${options.kind}s-${options.degree}-degree.svg`,
    caption: `Accuracy drop per removed ${options.kind} against ${DEGREE_LABELS[options.kind][options.degree]}`,
    svg: chart.svg(),
  };
}
