import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, TINY_SPEC_PATH } from '../test-utils/cli';

describe('randwire damage', () => {
  let dir: string;
  let run: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rw-damage-'));
    run = join(dir, 'run');
    const t = await runCli([
      'train',
      TINY_SPEC_PATH,
      '--data',
      'synthetic',
      '--limit',
      '96',
      '--test-limit',
      '48',
      '--batch-size',
      '16',
      '--epochs',
      '2',
      '--backend',
      'wasm',
      '-o',
      run,
      '--json',
    ]);
    if (t.code !== 0) throw new Error(t.stderr);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('removes every node and edge in turn and relates the drop to the degrees', async () => {
    const r = await runCli(['damage', run, '--kind', 'both', '--threads', '1', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // the undamaged network on onnxruntime scores what tfjs's evaluation of the run does
    const ev = JSON.parse((await runCli(['eval', run, '--backend', 'wasm', '--json'])).stdout);
    expect(doc.baseline).toBe(ev.accuracy);
    expect(doc.testCount).toBe(48);
    // tiny.json: s1 has 5 nodes and edges 0->2, 1->2, 2->3; s2 4 nodes and 0->1, 0->2, 1->2
    const labels = doc.outcomes.map((o: { label: string }) => o.label);
    expect(labels).toEqual([
      ...[0, 1, 2, 3, 4].map((n) => `s1 node ${n}`),
      's1 edge 0->2',
      's1 edge 1->2',
      's1 edge 2->3',
      ...[0, 1, 2, 3].map((n) => `s2 node ${n}`),
      's2 edge 0->1',
      's2 edge 0->2',
      's2 edge 1->2',
    ]);
    const s2n0 = doc.outcomes.find((o: { label: string }) => o.label === 's2 node 0');
    expect(s2n0).toMatchObject({ kind: 'node', stage: 's2', node: 0, inDegree: 1, outDegree: 2 });
    for (const o of doc.outcomes as Array<{ accuracy: number; drop: number }>) {
      expect(o.drop).toBeCloseTo(doc.baseline - o.accuracy, 12);
    }
    for (const f of [
      'damage.json',
      'damage-nodes-out-degree.svg',
      'damage-nodes-in-degree.svg',
      'damage-edges-in-degree.svg',
    ]) {
      expect(existsSync(join(run, 'damage', f))).toBe(true);
    }
    expect(readFileSync(join(run, 'damage', 'damage-nodes-out-degree.svg'), 'utf8')).toContain(
      'out-degree of the removed node',
    );
  });

  it('prints a table for one stage and refuses unknown stages', async () => {
    const r = await runCli(['damage', run, '--stage', 's2', '--threads', '1', '-o', join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^s2 node 0 +1 +2 +[\d.]+ +-?[\d.]+$/m);
    expect(r.stdout).toMatch(/node removal: correlation of the drop with in-degree/);
    expect(existsSync(join(dir, 'out', 'damage.json'))).toBe(true);
    const bad = await runCli(['damage', run, '--stage', 's9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("error: randwire damage: invalid --stage 's9': must be all or one of s1, s2");
  });
});
