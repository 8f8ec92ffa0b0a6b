import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, TINY_SPEC_PATH } from '../test-utils/cli';

import { stdio } from './spec-io';

describe('randwire inspect', () => {
  it('prints a per-stage table of the tiny fixture', async () => {
    const r = await runCli(['inspect', TINY_SPEC_PATH]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('stage'))).toMatch(
      /nodes\s+edges\s+in\s+out\s+depth\s+output\s+params\s+mult-adds/,
    );
    // s1: 5 nodes, 3 edges, 3 input-fed, 2 output nodes, depth 3, 5×5×8, 638 params, 12.3k mult-adds.
    expect(lines.find((l) => l.startsWith('s1 '))).toMatch(
      /^s1 \(custom\)\s+5\s+3\s+3\s+2\s+3\s+5×5×8\s+638\s+12\.3k$/,
    );
    expect(lines.find((l) => l.startsWith('total'))).toMatch(/2\.9k\s+31\.0k$/);
  });

  it('--json holds total params and multiplyAdds beside per-stage and per-layer figures', async () => {
    const r = await runCli(['inspect', TINY_SPEC_PATH, '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.total).toMatchObject({ params: 2887, multiplyAdds: 31008 });
    expect(j.stages[0]).toMatchObject({
      name: 's1',
      nodes: 5,
      edges: 3,
      inputNodes: 3,
      outputNodes: 2,
      depth: 3,
      params: 638,
    });
    expect(j.layers.find((l: { name: string }) => l.name === 's1_n2_agg')).toMatchObject({
      op: 'weighted-sum',
      multiplyAdds: 400,
    });
  });

  it('reads stdin for -, so generate | inspect - works', async () => {
    const gen = await runCli(['generate', '--preset', 'small', '--seed', '0']);
    const original = stdio.readStdin;
    stdio.readStdin = () => gen.stdout;
    try {
      const r = await runCli(['inspect', '-', '--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.file).toBe('stdin');
      expect(j.stages.map((s: { nodes: number }) => s.nodes)).toEqual([32, 32, 32]);
      expect(j.total.multiplyAdds).toBeGreaterThan(5e8);
    } finally {
      stdio.readStdin = original;
    }
  });

  it('names the file when it is missing or invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rw-inspect-'));
    try {
      const missing = await runCli(['inspect', join(dir, 'nope.json')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/cannot read '.*nope\.json': no such file/);
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, readFileSync(TINY_SPEC_PATH, 'utf8').replace('"version": 1', '"version": 9'));
      const r = await runCli(['inspect', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/invalid spec in .*bad\.json.*\n.*\/version: unsupported version/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
