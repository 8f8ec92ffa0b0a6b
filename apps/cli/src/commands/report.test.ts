import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test-utils/cli';

const FIXTURE = join(__dirname, '../../../../packages/studies/fixtures/results.jsonl');

describe('randwire report', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-report-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints mean ± std per group and writes report.md and the plots', async () => {
    const sweep = join(dir, 'sweep');
    mkdirSync(sweep);
    copyFileSync(FIXTURE, join(sweep, 'results.jsonl'));
    const r = await runCli(['report', sweep]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^WS\(4, 0\.75\) +3 +82\.00 ± 2\.00 +80\.00 +84\.00/m);
    expect(r.stdout).toMatch(/^ER\(0\.2\) +1 +79\.00 /m);
    expect(r.stdout).toMatch(/7 point\(s\) in 3 group\(s\); varying: model, k, p, m/);
    const md = readFileSync(join(sweep, 'report.md'), 'utf8');
    expect(md).toContain(
      '![Test accuracy per group: one dot per network (seed), mean ± 1 std](plots/accuracy-by-group.svg)',
    );
    for (const f of ['accuracy-by-group.svg', 'accuracy-vs-multiply-adds.svg']) {
      expect(readFileSync(join(sweep, 'plots', f), 'utf8')).toMatch(/^<svg .*test accuracy \(%\)/s);
    }
    const j = await runCli(['report', sweep, '--json']);
    const report = JSON.parse(j.stdout);
    expect(report.groups.map((g: { label: string; n: number }) => [g.label, g.n])).toEqual([
      ['WS(4, 0.75)', 3],
      ['BA(5)', 3],
      ['ER(0.2)', 1],
    ]);
    expect(report.groups[1].testAcc.std).toBeCloseTo(Math.sqrt(0.0013), 12);
    expect(report.plots).toHaveLength(2);
  });

  it('refuses a directory without results (exit 2, nothing written)', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r = await runCli(['report', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: randwire report: .*results\.jsonl: no finished points/);
    expect(existsSync(join(empty, 'report.md'))).toBe(false);
  });
});
