// Draws each random stage's DAG as SVG with a layered layout: the input node at the top, the
// output node at the bottom, every node on the row of its level (longest path from the
// input), rows ordered by the mean position of each node's inputs to limit crossings. Node
// size and colour grow with degree (in + out, counting the input and output nodes' edges).
// Pure string output (no DOM); `randwire render` rasterises it to PNG with resvg.
import { type StageStats, stageStats } from './stage-stats';
import { escapeXml, svgNumber } from './svg';
import type { NetworkSpec, RandomStageSpec } from './types';

export interface RenderSvgOptions {
  /** Horizontal distance between nodes of a row (px). */
  nodeSpacing?: number;
  /** Vertical distance between rows (px). */
  rowSpacing?: number;
  /** Show node ids inside the nodes. */
  labels?: boolean;
}

export const RENDER_DEFAULTS = Object.freeze({ nodeSpacing: 40, rowSpacing: 56, labels: true });

interface Placed {
  x: number;
  y: number;
}

const esc = escapeXml;
const fmt = svgNumber;

/** A colour from pale to dark blue for t in [0, 1]. */
function ramp(t: number): string {
  const c = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${c(198, 8)},${c(219, 48)},${c(239, 107)})`;
}

function layout(
  stage: RandomStageSpec,
  stats: StageStats,
  dx: number,
): { pos: Placed[]; rows: number[][]; width: number } {
  const rows: number[][] = Array.from({ length: stats.depth + 1 }, () => []);
  for (const node of stage.nodes) rows[stats.levels[node.id] ?? 1]?.push(node.id);
  const order = new Map<number, number>();
  const key = new Map<number, number>();
  for (const row of rows) {
    for (const id of row) {
      const preds = stage.nodes[id]?.inputs.filter((x): x is number => x !== 'input') ?? [];
      key.set(
        id,
        preds.length === 0 ? id / 1e6 : preds.reduce((a, p) => a + (order.get(p) ?? 0), 0) / preds.length,
      );
    }
    row.sort((a, b) => (key.get(a) ?? 0) - (key.get(b) ?? 0) || a - b);
    row.forEach((id, i) => {
      order.set(id, (i + 0.5) / row.length);
    });
  }
  const widest = Math.max(1, ...rows.map((r) => r.length));
  const width = widest * dx;
  const pos: Placed[] = [];
  rows.forEach((row, level) => {
    row.forEach((id, i) => {
      pos[id] = { x: (width * (i + 0.5)) / row.length, y: level };
    });
  });
  return { pos, rows, width };
}

/** Renders every random stage of a spec side by side as one SVG document. */
export function renderSpecSvg(spec: NetworkSpec, options: RenderSvgOptions = {}): string {
  const dx = options.nodeSpacing ?? RENDER_DEFAULTS.nodeSpacing;
  const dy = options.rowSpacing ?? RENDER_DEFAULTS.rowSpacing;
  const labels = options.labels ?? RENDER_DEFAULTS.labels;
  const margin = 30;
  const top = 70;
  const parts: string[] = [];
  let x0 = margin;
  let height = 0;
  const allStats = spec.stages.map(stageStats);
  // A loop, not Math.max(...all): 64 stages of 4096 nodes overflow the stack as arguments.
  let maxDegree = 1;
  for (const s of allStats)
    s.inDegree.forEach((d, i) => {
      maxDegree = Math.max(maxDegree, d + (s.outDegree[i] ?? 0));
    });
  spec.stages.forEach((stage, si) => {
    const stats = allStats[si]!;
    const { pos, width } = layout(stage, stats, dx);
    const w = Math.max(width, 180);
    const shift = (w - width) / 2;
    const X = (p: Placed) => x0 + shift + p.x;
    const Y = (level: number) => top + level * dy;
    const inP = { x: x0 + w / 2, y: Y(0) };
    const outP = { x: x0 + w / 2, y: Y(stats.depth + 1) };
    const g: string[] = [];
    g.push(
      `<text x="${fmt(x0 + w / 2)}" y="${top - 40}" class="title">${esc(stage.name)}: ${stats.nodes} nodes, ${stats.edges} edges</text>`,
      `<text x="${fmt(x0 + w / 2)}" y="${top - 24}" class="sub">${esc(
        `${stage.graph.model} ${Object.entries(stage.graph.params)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')} · ${stage.inChannels}→${stage.channels} ch · depth ${stats.depth}`,
      )}</text>`,
    );
    const edge = (a: { x: number; y: number }, b: { x: number; y: number }, cls: string) => {
      const my = (a.y + b.y) / 2;
      g.push(
        `<path class="${cls}" d="M${fmt(a.x)},${fmt(a.y)} C${fmt(a.x)},${fmt(my)} ${fmt(b.x)},${fmt(my)} ${fmt(b.x)},${fmt(b.y)}"/>`,
      );
    };
    for (const node of stage.nodes) {
      const p = pos[node.id]!;
      const to = { x: X(p), y: Y(p.y) };
      for (const src of node.inputs) {
        if (src === 'input') edge(inP, to, 'e eio');
        else edge({ x: X(pos[src]!), y: Y(pos[src]!.y) }, to, 'e');
      }
    }
    for (const o of stage.outputs) edge({ x: X(pos[o]!), y: Y(pos[o]!.y) }, outP, 'e eio');
    for (const node of stage.nodes) {
      const p = pos[node.id]!;
      const degree = (stats.inDegree[node.id] ?? 0) + (stats.outDegree[node.id] ?? 0);
      const t = Math.min(1, (degree - 2) / Math.max(1, maxDegree - 2));
      const r = 7 + 7 * Math.sqrt(Math.max(0, t));
      g.push(
        `<circle cx="${fmt(X(p))}" cy="${fmt(Y(p.y))}" r="${fmt(r)}" fill="${ramp(Math.max(0, t))}"${node.stride === 2 ? ' class="s2"' : ''}><title>node ${node.id}: in ${stats.inDegree[node.id]}, out ${stats.outDegree[node.id]}${node.stride === 2 ? ', stride 2' : ''}</title></circle>`,
      );
      if (labels) {
        g.push(
          `<text x="${fmt(X(p))}" y="${fmt(Y(p.y) + 3.5)}" class="id${t > 0.5 ? ' light' : ''}">${node.id}</text>`,
        );
      }
    }
    for (const [p, label] of [
      [inP, 'input'],
      [outP, 'output'],
    ] as const) {
      g.push(`<rect x="${fmt(p.x - 26)}" y="${fmt(p.y - 10)}" width="52" height="20" rx="6" class="io"/>`);
      g.push(`<text x="${fmt(p.x)}" y="${fmt(p.y + 4)}" class="iol">${label}</text>`);
    }
    parts.push(`<g id="${esc(stage.name)}">${g.join('')}</g>`);
    height = Math.max(height, outP.y + margin);
    x0 += w + margin;
  });
  const totalW = Math.max(x0, 300);
  const totalH = height + 30;
  const legend = `<text x="${margin}" y="${fmt(totalH - 14)}" class="sub legend">${esc(spec.name)} · node size and colour: degree (in + out) · ringed nodes: stride 2</text>`;
  const style =
    '<style>text{font-family:DejaVu Sans,Arial,sans-serif;text-anchor:middle}.title{font-size:14px;font-weight:bold}' +
    '.sub{font-size:11px;fill:#555}.legend{text-anchor:start}.id{font-size:9px;fill:#123}.id.light{fill:#fff}.e{fill:none;stroke:#4a5a70;stroke-opacity:.35;stroke-width:1}' +
    '.e.eio{stroke-dasharray:3 3;stroke-opacity:.25}circle{stroke:#08306b;stroke-width:.8}circle.s2{stroke:#d94801;stroke-width:2}' +
    '.io{fill:#fdd0a2;stroke:#a63603}.iol{font-size:10px}</style>';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(totalW)}" height="${fmt(totalH)}" viewBox="0 0 ${fmt(totalW)} ${fmt(totalH)}">${style}<rect width="100%" height="100%" fill="#fff"/>${parts.join('')}${legend}</svg>\n`;
}
