import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSpecSvg } from './render-svg';
import type { NetworkSpec } from './types';

const tiny = JSON.parse(readFileSync(join(__dirname, '../fixtures/tiny.json'), 'utf8')) as NetworkSpec;

const circles = (svg: string) =>
  [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"[^>]*><title>node (\d+)/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    r: Number(m[3]),
    id: Number(m[4]),
  }));

describe('renderSpecSvg', () => {
  const svg = renderSpecSvg(tiny);

  it('draws one group per stage with every node and edge', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<g id="s\d">/g)).toEqual(['<g id="s1">', '<g id="s2">']);
    expect(circles(svg)).toHaveLength(5 + 4);
    // Edges: s1 has 3 internal + 3 from input + 2 to output; s2 has 3 + 2 + 2.
    expect(svg.match(/<path class="e"/g)).toHaveLength(6);
    expect(svg.match(/<path class="e eio"/g)).toHaveLength(5 + 4);
  });

  it('places each node below all of its inputs (input at top, output at bottom)', () => {
    const s1 = circles(svg).slice(0, 5);
    const y = new Map(s1.map((c) => [c.id, c.y]));
    for (const node of tiny.stages[0]!.nodes) {
      for (const src of node.inputs)
        if (src !== 'input') expect(y.get(node.id)!).toBeGreaterThan(y.get(src)!);
    }
    const inputY = Number(svg.match(/<rect x="[\d.]+" y="([\d.]+)"[^>]*class="io"/)![1]);
    expect(Math.min(...s1.map((c) => c.y))).toBeGreaterThan(inputY);
  });

  it('draws higher-degree nodes larger', () => {
    const s2 = circles(svg).slice(5);
    // s2 node 0 has degree 1 + 2 = 3, node 3 has 1 + 1 = 2.
    expect(s2.find((c) => c.id === 0)!.r).toBeGreaterThan(s2.find((c) => c.id === 3)!.r);
  });

  it('draws 40 stages of 4096 nodes (the degree scan overflowed the stack as spread arguments)', () => {
    const stage = tiny.stages[0]!;
    const wide: NetworkSpec = {
      ...tiny,
      stages: Array.from({ length: 40 }, (_, i) => ({
        ...stage,
        name: `w${i}`,
        nodes: Array.from({ length: 4096 }, (_, id) => ({
          id,
          inputs: ['input' as const],
          stride: 2 as const,
        })),
        outputs: Array.from({ length: 4096 }, (_, id) => id),
      })),
    };
    expect(renderSpecSvg(wide, { labels: false }).split('<circle').length - 1).toBe(40 * 4096);
  });
});
