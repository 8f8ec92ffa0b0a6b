// Plan → point drafts: for every generator entry (merged over the plan's base), the product of
// its θ alternatives, then of the training alternatives, for every seed. k, p and m join the
// product only under the models they belong to (WS: k, p; BA: m; ER: p), so
// `model: [ws, ba, er], k: 4, p: [0.25, 0.75], m: 5` gives WS(4, .25), WS(4, .75), BA(5),
// ER(.25), ER(.75). Order: seed, then entry, then θ, then training (a partly done sweep has
// whole comparisons for its first seeds). Drafts with the same θ and training are kept once.
import { PlanError } from './errors';
import {
  type DataChoice,
  type EngineChoice,
  type GeneratorAxes,
  GRAPH_PARAM_MODELS,
  type SweepPlan,
  THETA_FIELDS,
  type Theta,
  TRAIN_FIELDS,
  type TrainAxes,
  type TrainValues,
} from './plan';
import { PLAN_LIMITS, parseSeeds } from './validate-plan';

/** One point before its spec is generated: θ, seed, training options, data, engine. */
export interface PointDraft {
  theta: Theta;
  seed: number;
  train: TrainValues;
  data: DataChoice;
  engine: EngineChoice;
  /** JSON pointer of the generator entry it came from ('/generator' without entries). */
  entry: string;
}

export const PLAN_DEFAULTS = Object.freeze({
  data: 'embedded',
  engine: 'auto' as EngineChoice,
});

type Row = Record<string, unknown>;

/** The product of `fields`' alternatives in `axes`, each combination as one row. */
function product(axes: Row, fields: readonly string[], rows: Row[] = [{}]): Row[] {
  let out = rows;
  for (const f of fields) {
    const v = axes[f];
    if (v === undefined) continue;
    const alts = Array.isArray(v) ? v : [v];
    out = out.flatMap((r) => alts.map((a) => ({ ...r, [f]: a })));
  }
  return out;
}

function thetaRows(entry: GeneratorAxes): Theta[] {
  const graphKeys = new Set<string>(Object.keys(GRAPH_PARAM_MODELS));
  const base = product(
    entry,
    THETA_FIELDS.filter((f) => !graphKeys.has(f)),
  );
  return base.flatMap((row) => {
    const model = row['model'] as string | undefined;
    // Without a model every given graph parameter applies (the stages name their models).
    const keys = (['k', 'p', 'm'] as const).filter(
      (key) => model === undefined || GRAPH_PARAM_MODELS[key].includes(model),
    );
    return product(entry, keys, [row]).map((r) => {
      const theta: Row = {};
      for (const f of THETA_FIELDS) if (r[f] !== undefined) theta[f] = r[f];
      return theta as Theta;
    });
  });
}

/** Expands a (validated) plan into point drafts; `source` names the plan in errors. */
export function expandPlan(plan: SweepPlan, source = 'plan'): PointDraft[] {
  const seeds = parseSeeds(plan.seeds, source);
  const data: DataChoice = {
    data: plan.data ?? PLAN_DEFAULTS.data,
    limit: plan.limit ?? null,
    testLimit: plan.testLimit ?? null,
  };
  const engine = plan.engine ?? PLAN_DEFAULTS.engine;
  const trains = product((plan.train ?? {}) as TrainAxes as Row, TRAIN_FIELDS) as TrainValues[];
  const entries = (plan.generators ?? [{}]).map((entry, i) => ({
    pointer: plan.generators ? `/generators/${i}` : '/generator',
    thetas: thetaRows({ ...plan.generator, ...entry }),
  }));
  const total = seeds.length * trains.length * entries.reduce((a, e) => a + e.thetas.length, 0);
  if (total > PLAN_LIMITS.maxPoints) {
    throw new PlanError(
      `${source}: /: the plan expands to ${total} points: at most ${PLAN_LIMITS.maxPoints} allowed (split it)`,
    );
  }
  const seen = new Set<string>();
  const drafts: PointDraft[] = [];
  for (const seed of seeds) {
    for (const { pointer, thetas } of entries) {
      for (const theta of thetas) {
        for (const train of trains) {
          const key = JSON.stringify([theta, train, seed]);
          if (seen.has(key)) continue;
          seen.add(key);
          drafts.push({ theta, seed, train, data, engine, entry: pointer });
        }
      }
    }
  }
  return drafts;
}
