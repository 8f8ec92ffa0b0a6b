import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '@randwire/spec';
import { runCli } from '../test-utils/cli';
import { parseStages, parseStem } from './generate';

describe('randwire generate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-generate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the canonical spec to stdout by default, the same for the same seed', async () => {
    const a = await runCli(['generate', '--preset', 'mnist-small', '--seed', '0']);
    expect(a.code).toBe(0);
    const spec = parseSpec(a.stdout);
    expect(spec.name).toBe('mnist-small-ws-seed0');
    expect(spec.provenance.seed).toBe(0);
    expect((await runCli(['generate', '--preset', 'mnist-small', '--seed', '0', '-o', '-'])).stdout).toBe(
      a.stdout,
    );
    expect((await runCli(['generate', '--preset', 'mnist-small', '--seed', '1'])).stdout).not.toBe(a.stdout);
  });

  it('writes a file atomically and reports it, as JSON with --json', async () => {
    const file = join(dir, 'net.json');
    const r = await runCli([
      'generate',
      '--preset',
      'cifar-small',
      '--model',
      'ba',
      '--m',
      '4',
      '--seed',
      '2',
      '-o',
      file,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ file, name: 'cifar-small-ba-seed2', seed: 2 });
    expect(report.multiplyAdds).toBeGreaterThan(1e8);
    expect(parseSpec(readFileSync(file, 'utf8')).stages[0]!.graph).toMatchObject({
      model: 'ba',
      params: { m: 4 },
    });
    expect(readdirSync(dir)).toEqual(['net.json']);
  });

  it('builds the general form from --input, --stem and --stages', async () => {
    const r = await runCli([
      'generate',
      '--input',
      '28x28x1',
      '--classes',
      '10',
      '--stem',
      '8/1',
      '--stages',
      '6:8:same,8:16:ba',
      '--k',
      '2',
      '--p',
      '0.5',
      '--m',
      '2',
      '--transform',
      'conv-3x3',
      '--head-channels',
      '32',
      '--seed',
      '5',
    ]);
    expect(r.code).toBe(0);
    const spec = parseSpec(r.stdout);
    expect(spec.stages.map((s) => [s.nodes.length, s.channels, s.downsample, s.graph.model])).toEqual([
      [6, 8, false, 'ws'],
      [8, 16, true, 'ba'],
    ]);
    expect(spec.head).toMatchObject({ channels: 32, classes: 10 });
  });

  it('notes on stderr that a spec without --seed is not reproducible', async () => {
    const r = await runCli(['generate', '--preset', 'mnist-small']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no --seed given/);
    expect(parseSpec(r.stdout).provenance.seed).toBeNull();
  });

  it('rejects bad options with one line and exit code 2, writing nothing', async () => {
    const file = join(dir, 'x.json');
    for (const [args, pattern] of [
      [['--preset', 'huge'], /--preset 'huge': must be one of small, /],
      [['--preset', 'small', '--seed=-1'], /--seed '-1': must be an integer >= 0/],
      [['--preset', 'small', '--model', 'ba', '--m', '40'], /stage s1 \(ba/],
      [['--input', '28x28'], /--input '28x28': must be HxWxC/],
      [['--input', '28x28x1', '--stages', '16'], /--stages entry '16'/],
      [[], /give --preset NAME, or --input/],
    ] as const) {
      const r = await runCli(['generate', ...args, '-o', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('parses the compact stage and stem lists', () => {
    expect(parseStages('16:32,8:64:same:er')).toEqual([
      { nodes: 16, channels: 32 },
      { nodes: 8, channels: 64, downsample: false, model: 'er' },
    ]);
    expect(parseStem('16/1,32')).toEqual([
      { channels: 16, stride: 1, preRelu: false },
      { channels: 32, stride: 2, preRelu: true },
    ]);
    expect(parseStages('[{"nodes":4,"channels":8,"k":2}]')).toEqual([{ nodes: 4, channels: 8, k: 2 }]);
  });
});
