import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test-utils/cli';

const run = (args: string[]) => runCli(['graph', ...args]);

const WS = ['--model', 'ws', '--nodes', '32', '--k', '4', '--p', '0.75'];

describe('randwire graph', () => {
  it('prints the DAG as graphology JSON, identical for the same seed', async () => {
    const a = await run([...WS, '--seed', '1']);
    expect(a.code).toBe(0);
    const graph = JSON.parse(a.stdout);
    expect(graph.options.type).toBe('directed');
    expect(graph.nodes).toHaveLength(34);
    expect(graph.nodes[0]).toEqual({ key: 'input', attributes: { role: 'input' } });
    expect(graph.attributes).toEqual({ model: 'ws', nodes: 32, k: 4, p: 0.75, seed: 1 });
    expect((await run([...WS, '--seed', '1'])).stdout).toBe(a.stdout);
    expect((await run([...WS, '--seed', '2'])).stdout).not.toBe(a.stdout);
    expect((await run([...WS, '--seed', '0'])).stdout).not.toBe(a.stdout);
  });

  it('works for all three models and formats', async () => {
    const models = [
      ['--model', 'ws', '--nodes', '32', '--k', '4', '--p', '0.75'],
      ['--model', 'ba', '--nodes', '32', '--m', '5'],
      ['--model', 'er', '--nodes', '32', '--p', '0.2'],
    ];
    for (const model of models) {
      const dot = await run([...model, '--seed', '0', '--format', 'dot']);
      expect(dot.code).toBe(0);
      expect(dot.stdout).toMatch(/^digraph "(ws|ba|er)-n32-seed0" \{/);
      expect(dot.stdout).toContain('"input" -> ');
      const graphml = await run([...model, '--seed', '0', '--format', 'graphml']);
      expect(graphml.stdout).toContain('<graphml');
      expect(graphml.stdout.match(/<node /g)).toHaveLength(34);
    }
    const ba = JSON.parse(
      (await run(['--model', 'ba', '--nodes', '32', '--m', '5', '--seed', '0', '--json'])).stdout,
    );
    expect(ba.internalEdges).toBe(5 * 27);
    expect(ba.sources).toBe(5);
  });

  it('--json wraps the graph with metadata and statistics', async () => {
    const result = await run([...WS, '--seed', '3', '--json']);
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({
      command: 'graph',
      model: 'ws',
      nodes: 32,
      params: { k: 4, p: 0.75 },
      seed: 3,
    });
    expect(parsed.internalEdges).toBe(64);
    expect(parsed.edges).toBe(64 + parsed.sources + parsed.sinks);
    expect(parsed.graph.nodes).toHaveLength(34);
    expect(parsed.statistics.depth).toBeGreaterThanOrEqual(3);
  });

  it('draws and reports a seed when none is given', async () => {
    const result = await run([...WS, '--json']);
    expect(result.code).toBe(0);
    const { seed } = JSON.parse(result.stdout);
    expect(result.stderr).toContain(`pass --seed ${seed} to reproduce`);
    const again = await run([...WS, '--json', '--seed', String(seed)]);
    expect(JSON.parse(again.stdout).graph).toEqual(JSON.parse(result.stdout).graph);
  });

  it('writes -o atomically and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'randwire-graph-'));
    try {
      const file = join(dir, 'g.dot');
      const result = await run([...WS, '--seed', '1', '--format', 'dot', '-o', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      expect(readFileSync(file, 'utf8')).toBe((await run([...WS, '--seed', '1', '--format', 'dot'])).stdout);
      expect(readdirSync(dir)).toEqual(['g.dot']);
      const bad = await run([...WS, '--seed', '1', '-o', join(dir, 'missing', 'g.json')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/cannot write/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--nodes', '32'], /--model is required/],
    [['--model', 'xx', '--nodes', '32'], /invalid --model 'xx': must be one of ws, ba, er/],
    [['--model', 'ws', '--k', '4', '--p', '0.5'], /--nodes is required/],
    [
      ['--model', 'ws', '--nodes', '32', '--k', '5', '--p', '0.5'],
      /invalid k \(5\): must be an even integer/,
    ],
    [['--model', 'ws', '--nodes', '32', '--k', '4'], /--model ws needs --k and --p/],
    [['--model', 'ws', '--nodes', '32', '--k', '4', '--p', '2'], /invalid --p '2'/],
    [['--model', 'er', '--nodes', '32', '--p', '0.2', '--m', '3'], /--m is not used by --model er/],
    [['--model', 'ba', '--nodes', '5', '--m', '5'], /invalid m \(5\): must be an integer with 1 <= m < n/],
    [['--model', 'ba', '--nodes', '2.5', '--m', '1'], /invalid --nodes '2.5'/],
    [[...WS, '--seed=-1'], /invalid --seed '-1'/],
    [[...WS, '--seed', '1.5'], /invalid --seed '1.5'/],
    [[...WS, '--format', 'yaml'], /invalid --format 'yaml'/],
    [[...WS, '--bogus'], /Unknown option '--bogus'/],
  ])('rejects %j with a one-line error and exit code 2', async (args, pattern) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr.split('\n')).toHaveLength(1);
  });

  it('has --help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: randwire graph --model ws|ba|er');
  });
});
