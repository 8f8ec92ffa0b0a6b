import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, TINY_SPEC_PATH } from '../test-utils/cli';

describe('randwire validate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-validate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 for a valid spec', async () => {
    const r = await runCli(['validate', TINY_SPEC_PATH]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tiny\.json: valid \(tiny-handmade\)/);
  });

  it('exits 2 listing every problem with pointer and value, also as JSON', async () => {
    const bad = join(dir, 'bad.json');
    const spec = JSON.parse(readFileSync(TINY_SPEC_PATH, 'utf8'));
    spec.head.inChannels = 8;
    spec.stages[0].nodes[3].inputs = [9];
    writeFileSync(bad, JSON.stringify(spec));
    const r = await runCli(['validate', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid, \d+ problems/);
    expect(r.stderr).toMatch(/\/head\/inChannels: must equal \/stages\/1\/channels \(16\) \(got 8\)/);
    expect(r.stderr).toMatch(/\/stages\/0\/nodes\/3\/inputs\/0: edge from node 9/);
    const j = await runCli(['validate', bad, '--json']);
    expect(j.code).toBe(2);
    const report = JSON.parse(j.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(
      expect.objectContaining({ pointer: '/head/inChannels', value: 8 }),
    );
  });

  it('reports text that is not JSON as a problem', async () => {
    const bad = join(dir, 'broken.json');
    writeFileSync(bad, '{ "format": ');
    const r = await runCli(['validate', bad, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).problems[0].message).toMatch(/not JSON/);
  });
});
