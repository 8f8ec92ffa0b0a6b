import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlanError } from './errors';
import { expandPlan } from './expand';
import { PLAN_SCHEMA } from './plan';
import { parsePlan, parseSeeds, validatePlan } from './validate-plan';

const PLANS = join(__dirname, '../plans');
const base = { format: 'randwire-sweep-plan', version: 1, seeds: [0] };

/** The single error line a bad plan gives. */
function problem(doc: unknown): string {
  try {
    validatePlan(doc, 'plan.json');
  } catch (e) {
    expect(e).toBeInstanceOf(PlanError);
    const message = (e as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('expected a PlanError');
}

describe('the shipped plan schema', () => {
  it('equals the schema the validator uses (UPDATE_GOLDEN=1 rewrites it)', () => {
    const shipped = join(__dirname, '../schema/sweep-plan.schema.json');
    if (process.env['UPDATE_GOLDEN'] === '1')
      writeFileSync(shipped, `${JSON.stringify(PLAN_SCHEMA, null, 2)}\n`);
    expect(JSON.parse(readFileSync(shipped, 'utf8'))).toEqual(PLAN_SCHEMA);
  });
});

describe('example plans', () => {
  const files = readdirSync(PLANS).filter((f) => f.endsWith('.json'));
  it('are there, including the paper comparison', () => {
    expect(files).toEqual(
      expect.arrayContaining(['paper-generators-small.json', 'node-operations.json', 'ws-p-line.json']),
    );
  });
  it.each(files)('%s parses and expands', (file) => {
    const plan = parsePlan(readFileSync(join(PLANS, file), 'utf8'), file);
    expect(expandPlan(plan, file).length).toBeGreaterThan(1);
  });
  it('the paper comparison is WS(4, 0.75), BA(5), ER(0.2) × 3 seeds at 1 epoch', () => {
    const plan = parsePlan(readFileSync(join(PLANS, 'paper-generators-small.json'), 'utf8'));
    const drafts = expandPlan(plan);
    expect(drafts.map((d) => [d.seed, d.theta])).toEqual(
      [0, 1, 2].flatMap((seed) => [
        [seed, { preset: 'mnist-small', model: 'ws', k: 4, p: 0.75 }],
        [seed, { preset: 'mnist-small', model: 'ba', m: 5 }],
        [seed, { preset: 'mnist-small', model: 'er', p: 0.2 }],
      ]),
    );
    expect(new Set(drafts.map((d) => JSON.stringify(d.train)))).toEqual(new Set(['{"epochs":1}']));
  });
});

describe('bad plans: one line with the file and the JSON pointer', () => {
  it('names a bad value inside a list of alternatives', () => {
    expect(problem({ ...base, generators: [{ model: 'ws' }, { model: 'ws', p: [0.5, 1.5] }] })).toBe(
      'plan.json: /generators/1/p/1: must be a number in [0, 1], or a non-empty list of them (got 1.5)',
    );
  });
  it('names an unknown field and the allowed ones', () => {
    expect(problem({ ...base, train: { epoch: 2 } })).toMatch(
      /^plan\.json: \/train\/epoch: unknown field 'epoch': allowed fields are epochs, batchSize, /,
    );
  });
  it('names a missing field', () => {
    expect(problem({ format: 'randwire-sweep-plan', version: 1 })).toMatch(
      /^plan\.json: \/seeds: missing required field 'seeds'/,
    );
  });
  it('rejects other formats and versions', () => {
    expect(problem({ ...base, format: 'x' })).toBe(
      'plan.json: /format: must be "randwire-sweep-plan" (got "x")',
    );
    expect(problem({ ...base, version: 2 })).toMatch(/^plan\.json: \/version: unsupported plan version/);
  });
  it('rejects enum values with the allowed ones', () => {
    expect(problem({ ...base, generator: { transform: 'conv-5x5' } })).toMatch(
      /^plan\.json: \/generator\/transform: must be one of sep-conv-3x3, conv-3x3, .*\(got "conv-5x5"\)$/,
    );
  });
  it('rejects a graph parameter none of its models has', () => {
    expect(problem({ ...base, generator: { model: ['ws', 'er'], m: 5 } })).toBe(
      'plan.json: /generator/m: m is a parameter of ba, not of the models ws, er here: add ba to model or remove m (got 5)',
    );
    // the entry's own field is named when the entry gives it
    expect(problem({ ...base, generator: { model: 'ba' }, generators: [{ m: 2 }, { p: 0.5 }] })).toMatch(
      /^plan\.json: \/generators\/1\/p: p is a parameter of ws and er/,
    );
    expect(problem({ ...base, generator: { model: 'ws', k: [4, 5] } })).toMatch(
      /^plan\.json: \/generator\/k: must be an even/,
    );
  });
  it('rejects duplicate alternatives and seeds', () => {
    expect(problem({ ...base, train: { lr: [0.1, 0.1] } })).toBe(
      'plan.json: /train/lr/1: duplicate alternative: each value once (got 0.1)',
    );
    expect(problem({ ...base, seeds: '0-2,2' })).toBe(
      'plan.json: /seeds: seed 2 is listed twice (got "0-2,2")',
    );
    expect(problem({ ...base, seeds: '3-1' })).toMatch(/^plan\.json: \/seeds: (must be|invalid range)/);
  });
  it('reports JSON syntax errors with the file name', () => {
    expect(() => parsePlan('{"format": ', 'p.json')).toThrow(/^p\.json: not valid JSON: /);
  });
});

describe('seeds', () => {
  it('reads lists and ranges', () => {
    expect(parseSeeds('0-2, 7', 's')).toEqual([0, 1, 2, 7]);
    expect(parseSeeds([3, 1], 's')).toEqual([3, 1]);
    expect(() => parseSeeds('0-20000', 's')).toThrow(/more than 10000 seeds/);
  });
});
