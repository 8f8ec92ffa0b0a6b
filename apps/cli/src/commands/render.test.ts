import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, TINY_SPEC_PATH } from '../test-utils/cli';

describe('randwire render', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-render-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an SVG with one group per stage', async () => {
    const out = join(dir, 'net.svg');
    const r = await runCli(['render', TINY_SPEC_PATH, '-o', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: out, format: 'svg', stages: ['s1', 's2'] });
    const svg = readFileSync(out, 'utf8');
    expect(svg.match(/<g id="s\d">/g)).toHaveLength(2);
  });

  it('rasterises a PNG', async () => {
    const out = join(dir, 'net.png');
    const r = await runCli(['render', TINY_SPEC_PATH, '-o', out, '--scale', '1']);
    expect(r.code).toBe(0);
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR width/height match the SVG's size at scale 1.
    const svg = await runCli(['render', TINY_SPEC_PATH, '-o', join(dir, 'x.svg')]);
    expect(svg.code).toBe(0);
    const size = readFileSync(join(dir, 'x.svg'), 'utf8').match(/width="([\d.]+)" height="([\d.]+)"/)!;
    expect(png.readUInt32BE(16)).toBe(Math.round(Number(size[1])));
    expect(png.readUInt32BE(20)).toBe(Math.round(Number(size[2])));
  });

  it('rejects an unknown output format and a missing -o', async () => {
    const a = await runCli(['render', TINY_SPEC_PATH, '-o', join(dir, 'net.gif')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/cannot tell the format of '.*net\.gif'/);
    const b = await runCli(['render', TINY_SPEC_PATH]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/missing -o FILE/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
