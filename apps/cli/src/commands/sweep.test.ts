import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLAN_INIT_SCHEMES, PLAN_RECIPES, TRAIN_FIELDS } from '@randwire/studies';
import { INIT_SCHEMES, RECIPE_NAMES, TRAIN_DEFAULTS } from '@randwire/tfjs';
import { parseCommandArgs } from '../cli';
import { buildPoints } from '../studies/points';
import { runCli } from '../test-utils/cli';
import { resolvePlan, sweepCommand } from './sweep';

/** The points `randwire sweep ARGS` would train (no training). */
function pointsOf(args: string[]) {
  const { values, positionals } = parseCommandArgs(sweepCommand, args);
  const { plan, source, where } = resolvePlan(values, positionals[0]);
  return buildPoints('sweep', plan, source, where);
}

describe('randwire sweep: grid expansion', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-sweep-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('knows the recipes and init schemes of @randwire/tfjs', () => {
    expect([...PLAN_RECIPES]).toEqual([...RECIPE_NAMES]);
    expect([...PLAN_INIT_SCHEMES]).toEqual([...INIT_SCHEMES]);
    const [paper] = pointsOf([
      '--preset',
      'mnist-small',
      '--recipe',
      'paper',
      '--init',
      'pytorch',
      '--epochs',
      '1',
    ]);
    expect(paper!.recipe.train).toMatchObject({ recipe: 'paper', init: 'pytorch' });
    expect(pointsOf(['--preset', 'mnist-small', '--recipe', 'default,paper'])).toHaveLength(2);
  });

  it('plans every training option of @randwire/tfjs but the seed', () => {
    expect([...TRAIN_FIELDS].sort()).toEqual(
      Object.keys(TRAIN_DEFAULTS)
        .filter((k) => k !== 'seed')
        .sort(),
    );
  });

  it('gives the same points from flags and from a plan file', () => {
    const flags = pointsOf([
      '--preset',
      'mnist-small',
      '--model',
      'ws,ba,er',
      '--k',
      '4',
      '--p',
      '0.25,0.75',
      '--m',
      '5',
      '--seeds',
      '0-1',
      '--epochs',
      '1',
      '--lr',
      '0.1,0.05',
      '--data',
      'embedded',
      '--limit',
      '512',
    ]);
    const plan = join(dir, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        format: 'randwire-sweep-plan',
        version: 1,
        generator: { preset: 'mnist-small', model: ['ws', 'ba', 'er'], k: 4, p: [0.25, 0.75], m: 5 },
        seeds: [0, 1],
        train: { epochs: 1, lr: [0.1, 0.05] },
        data: 'embedded',
        limit: 512,
      }),
    );
    const file = pointsOf([plan]);
    // WS × 2 p + BA + ER × 2 p = 5 θ; × 2 lr × 2 seeds
    expect(flags).toHaveLength(20);
    expect(file.map((p) => p.id)).toEqual(flags.map((p) => p.id));
    expect(new Set(flags.map((p) => p.id)).size).toBe(20);
    const ba = flags.find((p) => p.theta.model === 'ba' && p.seed === 1)!;
    expect(ba.spec.stages.map((s) => s.graph)).toEqual(
      ba.spec.stages.map((s) => ({ model: 'ba', params: { m: 5 }, seed: s.graph.seed })),
    );
    expect(ba.recipe.train).toMatchObject({ seed: 1, epochs: 1 });
    expect(ba.recipe.data).toEqual({ data: 'embedded', limit: 512, testLimit: null });
  });

  it('reports a bad plan in one line with its file and JSON pointer, exit 2', async () => {
    const plan = join(dir, 'bad.json');
    writeFileSync(
      plan,
      JSON.stringify({
        format: 'randwire-sweep-plan',
        version: 1,
        seeds: '0-2',
        generators: [{ model: 'ws' }, { model: 'er', p: [0.2, 2] }],
      }),
    );
    const r = await runCli(['sweep', plan, '-o', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `error: ${plan}: /generators/1/p/1: must be a number in [0, 1], or a non-empty list of them (got 2)`,
    );
    const spec = join(dir, 'small-n.json');
    writeFileSync(
      spec,
      JSON.stringify({
        format: 'randwire-sweep-plan',
        version: 1,
        seeds: [0],
        generator: { preset: 'mnist-small', nodes: 3, model: 'ws' },
      }),
    );
    const r2 = await runCli(['sweep', spec, '-o', join(dir, 'out')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(
      new RegExp(
        `^error: ${spec}: /generator: seed 0: @randwire/spec/generate: stage s1 .*invalid k \\(4\\)`,
      ),
    );
    expect(r2.stderr.split('\n')).toHaveLength(1);
  });

  it('names the flag of a bad flag value and refuses flags next to a plan file', async () => {
    const bad = await runCli([
      'sweep',
      '--preset',
      'mnist-small',
      '--model',
      'ba',
      '--k',
      '4',
      '-o',
      join(dir, 'o'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error: randwire sweep: --k: k is a parameter of ws, not of the model ba here: add ws to model or remove k (got 4)',
    );
    const both = await runCli(['sweep', 'plan.json', '--epochs', '2', '-o', join(dir, 'o')]);
    expect(both.stderr).toMatch(
      /^error: randwire sweep: give a plan file or plan flags, not both \(--epochs/,
    );
    const data = await runCli([
      'sweep',
      '--preset',
      'mnist-small',
      '--data',
      'cifar10',
      '-o',
      join(dir, 'o'),
    ]);
    expect(data.code).toBe(2);
    expect(data.stderr).toMatch(/^error: randwire sweep: --data: invalid --data 'cifar10': must be /);
  });

  it('lists the points and their directories with --dry-run, training nothing', async () => {
    const out = join(dir, 'dry');
    const r = await runCli([
      'sweep',
      '--preset',
      'mnist-small',
      '--transform',
      'sep-conv-3x3,conv-3x3',
      '--seeds',
      '0,1',
      '-o',
      out,
      '--dry-run',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const points = JSON.parse(r.stdout) as Array<{ dir: string; theta: { transform: string }; seed: number }>;
    expect(points.map((p) => [p.theta.transform, p.seed])).toEqual([
      ['sep-conv-3x3', 0],
      ['conv-3x3', 0],
      ['sep-conv-3x3', 1],
      ['conv-3x3', 1],
    ]);
    expect(points[0]!.dir).toMatch(new RegExp(`^${out}/mnist-small-ws-seed0-[0-9a-f]{10}$`));
  });
});
