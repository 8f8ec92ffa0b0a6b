import { type Command, numberOption, UserError } from './cli';
import { commands } from './commands';
import { main } from './main';
import { capture } from './test-utils/cli';

describe('cli framework', () => {
  it('rejects an unknown command with a one-line message and exit code 2', async () => {
    const ctx = capture();
    expect(await main(['frobnicate'], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/unknown command 'frobnicate'/);
    expect(ctx.stderr.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('names the option, the bad value and the allowed range for numbers', () => {
    expect(() => numberOption('graph', 'nodes', '3.5', { integer: true, min: 2 })).toThrow(UserError);
    expect(() => numberOption('graph', 'nodes', 'abc', { integer: true, min: 2 })).toThrow(
      /--nodes 'abc': must be an integer >= 2/,
    );
    expect(numberOption('graph', 'seed', '0', { integer: true, min: 0 })).toBe(0);
    expect(numberOption('graph', 'seed', undefined)).toBeUndefined();
  });

  it('gives every registered command a --help', async () => {
    for (const cmd of commands) {
      const ctx = capture();
      expect(await main([cmd.name, '--help'], ctx)).toBe(0);
      expect(ctx.stdout.join('\n')).toContain(`Usage: randwire ${cmd.name}`);
    }
    const ctx = capture();
    expect(await main(['--help'], ctx)).toBe(0);
    expect(ctx.stdout.join('\n')).toMatch(/Commands:/);
  });
});

describe('command registry', () => {
  it('lists each command under its own name and summary, each once', () => {
    for (const entry of commands) {
      const cmd: Command = entry.load();
      expect({ name: cmd.name, summary: cmd.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
  });
});

describe('option parsing errors', () => {
  it('reports a dash-leading value on one line with the way to pass it', async () => {
    const ctx = capture();
    expect(await main(['graph', '--model', 'ws', '--seed', '-1'], ctx)).toBe(2);
    expect(ctx.stderr).toHaveLength(1);
    expect(ctx.stderr[0]).not.toContain('\n');
    expect(ctx.stderr[0]).toMatch(/--seed=-XYZ/);
  });
});
