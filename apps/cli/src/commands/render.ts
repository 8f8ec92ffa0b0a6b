// randwire render spec.json -o out.svg|out.png: each stage's DAG, layered top to bottom.

import { renderSpecSvg } from '@randwire/spec';
import { type Command, choiceOption, UserError } from '../cli';
import { loadResvg } from '../lazy-packages';
import { CLI_LIMITS } from '../limits';
import { loadSpecArg, writeFileAtomic } from './spec-io';

const FORMATS = ['svg', 'png'] as const;

export const renderCommand: Command = {
  name: 'render',
  summary: 'Draw each random stage’s DAG (input at top, output at bottom) as SVG or PNG',
  usage: 'spec.json|- -o out.svg|out.png [--format svg|png] [--scale S] [--json]',
  details:
    'Node size and colour grow with degree; nodes with an orange ring take stride 2.\nPNG is rasterised with @resvg/resvg-js.',
  options: {
    output: { type: 'string', short: 'o', arg: 'FILE', description: 'output file (.svg or .png)' },
    format: {
      type: 'string',
      arg: 'svg|png',
      description: 'output format (default: from the file extension)',
    },
    scale: { type: 'string', arg: 'S', description: 'PNG pixels per SVG unit', default: '1.5' },
    'no-labels': { type: 'boolean', description: 'do not print node ids' },
    json: { type: 'boolean', description: 'print { file, format, bytes, stages } as JSON' },
  },
  positionals: [1, 1],
  run(values, positionals, ctx) {
    const out = values['output'];
    if (typeof out !== 'string' || out === '')
      throw new UserError('randwire render: missing -o FILE (.svg or .png)');
    const ext = out.toLowerCase().endsWith('.png')
      ? 'png'
      : out.toLowerCase().endsWith('.svg')
        ? 'svg'
        : undefined;
    const format = choiceOption('render', 'format', values['format'] ?? ext, FORMATS);
    if (!format)
      throw new UserError(
        `randwire render: cannot tell the format of '${out}': use a .svg or .png name, or --format`,
      );
    const scale = Number(values['scale']);
    if (!Number.isFinite(scale) || scale <= 0 || scale > 10) {
      throw new UserError(
        `randwire render: invalid --scale '${String(values['scale'])}': must be a number in (0, 10]`,
      );
    }
    const spec = loadSpecArg('render', positionals[0]!);
    const svg = renderSpecSvg(spec, { labels: !values['no-labels'] });
    let data: string | Uint8Array = svg;
    if (format === 'png') {
      // The root element's size (renderSpecSvg writes width and height first), after --scale.
      const [, w = 0, h = 0] = /width="([\d.]+)" height="([\d.]+)"/.exec(svg)?.map(Number) ?? [];
      const pixels = Math.ceil(w * scale) * Math.ceil(h * scale);
      if (pixels > CLI_LIMITS.pngPixels) {
        throw new UserError(
          `randwire render: '${positionals[0]}' draws ${Math.ceil(w * scale)}×${Math.ceil(h * scale)} pixels at --scale ${scale}, above the PNG limit of ${CLI_LIMITS.pngPixels} pixels: lower --scale or write .svg`,
        );
      }
      const { Resvg } = loadResvg();
      data = new Resvg(svg, {
        fitTo: { mode: 'zoom', value: scale },
        font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
      })
        .render()
        .asPng();
    }
    writeFileAtomic('render', out, data);
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (values['json']) {
      ctx.out(JSON.stringify({ file: out, format, bytes, stages: spec.stages.map((s) => s.name) }));
    } else {
      ctx.out(`wrote ${out} (${format}, ${bytes} bytes, ${spec.stages.length} stages)`);
    }
    return 0;
  },
};
