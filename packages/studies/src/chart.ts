// A small SVG chart frame for the study plots: a title, linear or categorical axes with "nice"
// ticks, grid lines, axis labels with units and a legend, so every plot reads without the
// report's text. Plots draw their marks in data coordinates through `x()` and `y()`.
import { escapeXml as esc, svgNumber as f } from '@randwire/spec';

/** Tableau 10, a palette readable by most colour-blind readers. */
export const PALETTE = Object.freeze([
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
]);

export const colorAt = (i: number): string => PALETTE[i % PALETTE.length]!;

export interface AxisSpec {
  /** Axis title with its unit, e.g. "test accuracy (%)". */
  label: string;
  /** Tick text (default: the number, shortest form). */
  format?: (v: number) => string;
  /** Only integer ticks (degrees, counts). */
  integer?: boolean;
  /** A categorical axis: one slot per name at x = 0, 1, ... */
  categories?: readonly string[];
  /** Values that must be inside the range (e.g. 0 for a bar baseline). */
  include?: readonly number[];
}

export interface LegendEntry {
  label: string;
  color: string;
  mark: 'dot' | 'line' | 'band' | 'errorbar' | 'diamond';
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  x: AxisSpec;
  y: AxisSpec;
  legend?: readonly LegendEntry[];
  /** Plot area size in px (default 560 × 320). */
  plotWidth?: number;
  plotHeight?: number;
}

/** Ticks at 1, 2, 2.5 or 5 × 10^k covering [lo, hi] with about `count` steps. */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): number[] {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.05;
    return niceTicks(lo - pad, hi + pad, count, integer);
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const start = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= hi + step * 1e-9 || ticks.length < 2; v += step)
    ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < hi - 1e-12)
    ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

const defaultFormat = (v: number) => String(Number(v.toPrecision(6)));
const LEGEND_WIDTH = 200;

export class Chart {
  private readonly marks: string[] = [];
  private readonly o: ChartOptions;
  private readonly xTicks: number[];
  private readonly yTicks: number[];
  private readonly xDomain: [number, number];
  private readonly yDomain: [number, number];
  readonly left = 74;
  readonly top: number;
  readonly plotWidth: number;
  readonly plotHeight: number;
  private readonly bottom: number;
  private readonly rotate: boolean;

  /** `xs` and `ys`: every data value the marks will use (error bars included). */
  constructor(options: ChartOptions, xs: readonly number[], ys: readonly number[]) {
    this.o = options;
    this.plotWidth = options.plotWidth ?? 560;
    this.plotHeight = options.plotHeight ?? 320;
    this.top = options.subtitle ? 62 : 44;
    const cats = options.x.categories;
    const longest = Math.max(0, ...(cats ?? []).map((c) => c.length));
    this.rotate = cats !== undefined && longest * 6.5 > this.plotWidth / Math.max(1, cats.length);
    this.bottom = this.rotate ? 36 + Math.min(longest, 40) * 5 : 54;
    const range = (vals: readonly number[], axis: AxisSpec): [number[], [number, number]] => {
      const all = [...vals, ...(axis.include ?? [])].filter(Number.isFinite);
      const lo = all.length ? Math.min(...all) : 0;
      const hi = all.length ? Math.max(...all) : 1;
      // A little room so marks at the extremes do not sit on the frame.
      const pad = (hi - lo) * 0.03;
      const ticks = niceTicks(lo - pad, hi + pad, 5, axis.integer ?? false);
      return [ticks, [ticks[0]!, ticks[ticks.length - 1]!]];
    };
    if (cats) {
      this.xTicks = cats.map((_, i) => i);
      this.xDomain = [-0.5, cats.length - 0.5];
    } else {
      [this.xTicks, this.xDomain] = range(xs, options.x);
    }
    [this.yTicks, this.yDomain] = range(ys, options.y);
  }

  x(v: number): number {
    const [a, b] = this.xDomain;
    return this.left + ((v - a) / (b - a)) * this.plotWidth;
  }

  y(v: number): number {
    const [a, b] = this.yDomain;
    return this.top + this.plotHeight - ((v - a) / (b - a)) * this.plotHeight;
  }

  /** Pixels per x unit (for offsets such as seed jitter). */
  get xUnit(): number {
    return this.plotWidth / (this.xDomain[1] - this.xDomain[0]);
  }

  add(markup: string): void {
    this.marks.push(markup);
  }

  dot(x: number, y: number, color: string, r = 4, title?: string): void {
    const t = title ? `<title>${esc(title)}</title>` : '';
    this.add(
      `<circle cx="${f(this.x(x))}" cy="${f(this.y(y))}" r="${r}" fill="${color}" fill-opacity="0.75" stroke="#fff" stroke-width="0.8">${t}</circle>`,
    );
  }

  /** A vertical error bar from y0 to y1 at x, with caps, offset dx pixels. */
  errorBar(x: number, y0: number, y1: number, color: string, dx = 0): void {
    const px = this.x(x) + dx;
    const a = this.y(y0);
    const b = this.y(y1);
    this.add(
      `<path d="M${f(px)},${f(a)}V${f(b)}M${f(px - 6)},${f(a)}h12M${f(px - 6)},${f(b)}h12" stroke="${color}" stroke-width="1.8" fill="none"/>`,
    );
  }

  diamond(x: number, y: number, color: string, dx = 0, title?: string): void {
    const px = this.x(x) + dx;
    const py = this.y(y);
    const t = title ? `<title>${esc(title)}</title>` : '';
    this.add(
      `<path d="M${f(px)},${f(py - 6)}l6,6l-6,6l-6,-6z" fill="${color}" stroke="#222" stroke-width="1">${t}</path>`,
    );
  }

  polyline(points: ReadonlyArray<[number, number]>, color: string): void {
    const d = points.map(([x, y], i) => `${i ? 'L' : 'M'}${f(this.x(x))},${f(this.y(y))}`).join('');
    this.add(`<path d="${d}" stroke="${color}" stroke-width="2.2" fill="none"/>`);
  }

  /** A filled band between lower and upper values along x. */
  band(points: ReadonlyArray<[number, number, number]>, color: string): void {
    if (points.length < 2) return;
    const up = points.map(([x, , hi]) => `${f(this.x(x))},${f(this.y(hi))}`);
    const down = [...points].reverse().map(([x, lo]) => `${f(this.x(x))},${f(this.y(lo))}`);
    this.add(
      `<polygon points="${[...up, ...down].join(' ')}" fill="${color}" fill-opacity="0.18" stroke="none"/>`,
    );
  }

  private legendMark(e: LegendEntry, x: number, y: number): string {
    switch (e.mark) {
      case 'dot':
        return `<circle cx="${x + 10}" cy="${y}" r="4" fill="${e.color}" fill-opacity="0.75"/>`;
      case 'line':
        return `<path d="M${x},${y}h20" stroke="${e.color}" stroke-width="2.2"/>`;
      case 'band':
        return `<rect x="${x}" y="${y - 6}" width="20" height="12" fill="${e.color}" fill-opacity="0.18"/>`;
      case 'errorbar':
        return `<path d="M${x + 10},${y - 7}V${y + 7}M${x + 4},${y - 7}h12M${x + 4},${y + 7}h12" stroke="${e.color}" stroke-width="1.8" fill="none"/>`;
      case 'diamond':
        return `<path d="M${x + 10},${y - 6}l6,6l-6,6l-6,-6z" fill="${e.color}" stroke="#222"/>`;
    }
  }

  /** The finished SVG document. */
  svg(): string {
    const o = this.o;
    const fx = o.x.format ?? defaultFormat;
    const fy = o.y.format ?? defaultFormat;
    const legend = o.legend ?? [];
    const width = this.left + this.plotWidth + (legend.length ? LEGEND_WIDTH + 24 : 24);
    const height = this.top + this.plotHeight + this.bottom;
    const x0 = this.left;
    const x1 = this.left + this.plotWidth;
    const y0 = this.top + this.plotHeight;
    const p: string[] = [];
    p.push(`<text x="${x0}" y="22" class="title">${esc(o.title)}</text>`);
    if (o.subtitle) {
      // about 6.2 px per character at 11 px: cut what would run past the right edge
      const room = Math.floor((width - x0 - 8) / 6.2);
      const sub = o.subtitle.length > room ? `${o.subtitle.slice(0, room - 1)}…` : o.subtitle;
      p.push(`<text x="${x0}" y="40" class="sub">${esc(sub)}</text>`);
    }
    for (const t of this.yTicks) {
      const y = f(this.y(t));
      p.push(`<path d="M${x0},${y}H${x1}" class="grid"/>`);
      p.push(`<text x="${x0 - 8}" y="${y}" dy="4" class="ytick">${esc(fy(t))}</text>`);
    }
    this.xTicks.forEach((t, i) => {
      const x = f(this.x(t));
      const label = o.x.categories ? o.x.categories[i]! : fx(t);
      if (!o.x.categories) p.push(`<path d="M${x},${this.top}V${y0}" class="grid"/>`);
      p.push(`<path d="M${x},${y0}v5" class="axis"/>`);
      p.push(
        this.rotate
          ? `<text transform="translate(${x},${y0 + 14}) rotate(-35)" class="xtick rot">${esc(label)}</text>`
          : `<text x="${x}" y="${y0 + 18}" class="xtick">${esc(label)}</text>`,
      );
    });
    p.push(`<path d="M${x0},${this.top}V${y0}H${x1}" class="axis"/>`);
    p.push(`<text x="${f((x0 + x1) / 2)}" y="${height - 10}" class="label">${esc(o.x.label)}</text>`);
    p.push(
      `<text transform="translate(18,${f(this.top + this.plotHeight / 2)}) rotate(-90)" class="label">${esc(o.y.label)}</text>`,
    );
    legend.forEach((e, i) => {
      const lx = x1 + 20;
      const ly = this.top + 10 + i * 20;
      p.push(
        this.legendMark(e, lx, ly),
        `<text x="${lx + 28}" y="${ly + 4}" class="legend">${esc(e.label)}</text>`,
      );
    });
    const style =
      '<style>text{font-family:DejaVu Sans,Arial,sans-serif;fill:#222}.title{font-size:15px;font-weight:bold}' +
      '.sub{font-size:11px;fill:#555}.label{font-size:12px;text-anchor:middle}.legend{font-size:11px}' +
      '.xtick{font-size:10.5px;text-anchor:middle}.xtick.rot{text-anchor:end}.ytick{font-size:10.5px;text-anchor:end}' +
      '.grid{stroke:#e4e4e4;stroke-width:1}.axis{stroke:#444;stroke-width:1;fill:none}</style>';
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${style}<rect width="100%" height="100%" fill="#fff"/>${p.join('')}${this.marks.join('')}</svg>\n`;
  }
}
