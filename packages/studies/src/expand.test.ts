import { expandPlan } from './expand';
import type { SweepPlan } from './plan';

const plan = (p: Partial<SweepPlan>): SweepPlan => ({
  format: 'randwire-sweep-plan',
  version: 1,
  seeds: [0],
  ...p,
});

describe('expandPlan', () => {
  it('crosses k, p and m only with the models they belong to', () => {
    const drafts = expandPlan(
      plan({ generator: { preset: 'mnist-small', model: ['ws', 'ba', 'er'], k: 4, p: [0.25, 0.75], m: 5 } }),
    );
    expect(drafts.map((d) => d.theta)).toEqual([
      { preset: 'mnist-small', model: 'ws', k: 4, p: 0.25 },
      { preset: 'mnist-small', model: 'ws', k: 4, p: 0.75 },
      { preset: 'mnist-small', model: 'ba', m: 5 },
      { preset: 'mnist-small', model: 'er', p: 0.25 },
      { preset: 'mnist-small', model: 'er', p: 0.75 },
    ]);
  });

  it('orders seed, entry, θ, training; fills the data and engine defaults', () => {
    const drafts = expandPlan(
      plan({
        seeds: '0-1',
        generators: [{ model: 'ws' }, { model: 'ba' }],
        train: { epochs: [1, 2] },
        limit: 100,
      }),
    );
    expect(drafts.map((d) => `${d.seed} ${d.theta.model} ${d.train.epochs} ${d.entry}`)).toEqual([
      '0 ws 1 /generators/0',
      '0 ws 2 /generators/0',
      '0 ba 1 /generators/1',
      '0 ba 2 /generators/1',
      '1 ws 1 /generators/0',
      '1 ws 2 /generators/0',
      '1 ba 1 /generators/1',
      '1 ba 2 /generators/1',
    ]);
    expect(drafts[0]!.data).toEqual({ data: 'embedded', limit: 100, testLimit: null });
    expect(drafts[0]!.engine).toBe('auto');
  });

  it('lets entries override the base field by field and keeps repeated points once', () => {
    const drafts = expandPlan(
      plan({
        generator: { preset: 'mnist-small', nodes: [8, 16] },
        generators: [
          { model: 'ws', nodes: 8 },
          { model: 'ws', nodes: [8, 16] },
        ],
      }),
    );
    expect(drafts.map((d) => d.theta)).toEqual([
      { preset: 'mnist-small', model: 'ws', nodes: 8 },
      { preset: 'mnist-small', model: 'ws', nodes: 16 },
    ]);
  });

  it('without a model, every graph parameter applies (per-stage models in stages)', () => {
    const drafts = expandPlan(plan({ generator: { stages: '8:16:ba,8:32:er', m: [2, 3], p: 0.5 } }));
    expect(drafts.map((d) => d.theta)).toEqual([
      { p: 0.5, m: 2, stages: '8:16:ba,8:32:er' },
      { p: 0.5, m: 3, stages: '8:16:ba,8:32:er' },
    ]);
  });

  it('refuses plans beyond the point limit', () => {
    const many = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(() =>
      expandPlan(
        plan({ seeds: '0-999', generator: { nodes: many, model: 'ws' }, train: { lr: [0.1, 0.2] } }),
        'big.json',
      ),
    ).toThrow(/^big\.json: \/: the plan expands to 200000 points: at most 100000 allowed/);
  });
});
