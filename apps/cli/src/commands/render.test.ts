import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext } from '../cli';
import { main } from '../main';

function capture(): CommandContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), isTTY: false };
}

async function run(args: string[]) {
  const ctx = capture();
  const code = await main(args, ctx);
  return { code, stdout: ctx.stdout.join('\n'), stderr: ctx.stderr.join('\n') };
}

const tiny = join(__dirname, '../../../../packages/spec/fixtures/tiny.json');

describe('randwire render', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-render-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an SVG with one group per stage', async () => {
    const out = join(dir, 'net.svg');
    const r = await run(['render', tiny, '-o', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: out, format: 'svg', stages: ['s1', 's2'] });
    const svg = readFileSync(out, 'utf8');
    expect(svg.match(/<g id="s\d">/g)).toHaveLength(2);
  });

  it('rasterises a PNG', async () => {
    const out = join(dir, 'net.png');
    const r = await run(['render', tiny, '-o', out, '--scale', '1']);
    expect(r.code).toBe(0);
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR width/height match the SVG's size at scale 1.
    const svg = await run(['render', tiny, '-o', join(dir, 'x.svg')]);
    expect(svg.code).toBe(0);
    const size = readFileSync(join(dir, 'x.svg'), 'utf8').match(/width="([\d.]+)" height="([\d.]+)"/)!;
    expect(png.readUInt32BE(16)).toBe(Math.round(Number(size[1])));
    expect(png.readUInt32BE(20)).toBe(Math.round(Number(size[2])));
  });

  it('rejects an unknown output format and a missing -o', async () => {
    const a = await run(['render', tiny, '-o', join(dir, 'net.gif')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/cannot tell the format of '.*net\.gif'/);
    const b = await run(['render', tiny]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/missing -o FILE/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
