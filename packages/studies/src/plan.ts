// The sweep plan: the on-disk JSON document of a generator study (randwire.md section 8). It
// names the generator θ (a base and optional entries, every field one value or a list of
// alternatives), the seeds, the training options (likewise), the data and the engine. A
// plan expands into points (expand.ts): the union over entries of each entry's grid × seeds.
// `randwire sweep` builds the same plan from its flags, so flags and files mean the same.
// A copy of PLAN_SCHEMA ships as schema/sweep-plan.schema.json (a test keeps them equal).
import { NODE_TRANSFORMS, PRESET_NAMES } from '@randwire/spec';

export const PLAN_FORMAT = 'randwire-sweep-plan';
export const PLAN_VERSION = 1;

/** A value or a list of alternatives (a list means one point per element). */
export type Alternatives<T> = T | T[];

/** θ of one generator, every field one value (how an expanded point records it). The
 * strings `stages`, `stem` and `input` use `randwire generate`'s flag syntax. */
export interface Theta {
  preset?: string;
  model?: string;
  k?: number;
  p?: number;
  m?: number;
  nodes?: number;
  channels?: number;
  transform?: string;
  /** `N:C[:down|same][:ws|ba|er],...` */
  stages?: string;
  /** `C[/S],...` */
  stem?: string;
  /** `HxWxC` */
  input?: string;
  classes?: number;
  headChannels?: number;
  dropout?: number;
}

/** The θ fields in the order points list them. */
export const THETA_FIELDS = [
  'preset',
  'model',
  'k',
  'p',
  'm',
  'nodes',
  'channels',
  'transform',
  'stages',
  'stem',
  'input',
  'classes',
  'headChannels',
  'dropout',
] as const satisfies ReadonlyArray<keyof Theta>;

/** Which graph model each of k, p, m belongs to (randwire.md section 2). */
export const GRAPH_PARAM_MODELS: Readonly<Record<'k' | 'p' | 'm', readonly string[]>> = Object.freeze({
  k: ['ws'],
  p: ['ws', 'er'],
  m: ['ba'],
});

export type GeneratorAxes = { [K in keyof Theta]?: Alternatives<NonNullable<Theta[K]>> };

/** Training options of a point: @randwire/tfjs TrainOptions without the seed (the point's
 * seed seeds both the generator and the training). */
export interface TrainValues {
  /** @randwire/tfjs's named recipes (PLAN_RECIPES); options given override the recipe's. */
  recipe?: (typeof PLAN_RECIPES)[number];
  /** Initial weights (PLAN_INIT_SCHEMES). */
  init?: (typeof PLAN_INIT_SCHEMES)[number];
  epochs?: number;
  batchSize?: number;
  lr?: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
  labelSmoothing?: number;
  warmupEpochs?: number;
  dropEdge?: number;
  augment?: boolean;
  evalBatchSize?: number;
  keepCheckpoints?: number;
}

export type TrainAxes = { [K in keyof TrainValues]?: Alternatives<NonNullable<TrainValues[K]>> };

/** The training options a plan may set, in the order points list them. */
export const TRAIN_FIELDS = [
  'epochs',
  'batchSize',
  'lr',
  'momentum',
  'nesterov',
  'weightDecay',
  'labelSmoothing',
  'warmupEpochs',
  'dropEdge',
  'augment',
  'evalBatchSize',
  'keepCheckpoints',
  'recipe',
  'init',
] as const satisfies ReadonlyArray<keyof TrainValues>;

/** @randwire/tfjs's RECIPE_NAMES and INIT_SCHEMES (copies: this package does not depend on
 * tfjs; the CLI's sweep tests keep them equal). */
export const PLAN_RECIPES = Object.freeze(['default', 'paper'] as const);
export const PLAN_INIT_SCHEMES = Object.freeze(['pytorch', 'he-fan-out'] as const);

export const ENGINES = ['auto', 'tfjs', 'onnxruntime'] as const;
export type EngineChoice = (typeof ENGINES)[number];

/** How a point's data is chosen (the `--data`, `--limit`, `--test-limit` of `randwire train`;
 * recorded as train-config.json's dataChoice). */
export interface DataChoice {
  data: string;
  limit: number | null;
  testLimit: number | null;
}

export interface SweepPlan {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  name?: string;
  description?: string;
  /** θ shared by every entry (entries override it field by field). */
  generator?: GeneratorAxes;
  /** Generator entries; the plan's points are the union of their grids. Default: one entry, {}. */
  generators?: GeneratorAxes[];
  /** Integers >= 0, or a string of ranges such as "0-4" or "0-2,7". */
  seeds: number[] | string;
  train?: TrainAxes;
  /** Default 'embedded'. */
  data?: string;
  limit?: number | null;
  testLimit?: number | null;
  /** Default 'auto'. */
  engine?: EngineChoice;
}

const alternatives = (item: Record<string, unknown>) => ({
  anyOf: [item, { type: 'array', items: item, minItems: 1 }],
});
const int = (minimum: number) => ({ type: 'integer', minimum });
const num = (minimum: number, maximum?: number) => ({
  type: 'number',
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});
const text = { type: 'string', minLength: 1 };

const generatorAxes = {
  type: 'object',
  additionalProperties: false,
  properties: {
    preset: alternatives({ type: 'string', enum: [...PRESET_NAMES] }),
    model: alternatives({ type: 'string', enum: ['ws', 'ba', 'er'] }),
    k: alternatives(int(2)),
    p: alternatives(num(0, 1)),
    m: alternatives(int(1)),
    nodes: alternatives(int(1)),
    channels: alternatives(int(1)),
    transform: alternatives({ type: 'string', enum: [...NODE_TRANSFORMS] }),
    stages: alternatives(text),
    stem: alternatives({ type: 'string' }),
    input: alternatives({ type: 'string', pattern: '^[0-9]+x[0-9]+x[0-9]+$' }),
    classes: alternatives(int(1)),
    headChannels: alternatives(int(1)),
    dropout: alternatives(num(0, 0.99)),
  },
};

const trainAxes = {
  type: 'object',
  additionalProperties: false,
  properties: {
    epochs: alternatives(int(1)),
    batchSize: alternatives(int(1)),
    lr: alternatives(num(0)),
    momentum: alternatives({ type: 'number', minimum: 0, exclusiveMaximum: 1 }),
    nesterov: alternatives({ type: 'boolean' }),
    weightDecay: alternatives(num(0, 1)),
    labelSmoothing: alternatives({ type: 'number', minimum: 0, exclusiveMaximum: 1 }),
    warmupEpochs: alternatives(num(0)),
    dropEdge: alternatives(num(0, 1)),
    augment: alternatives({ type: 'boolean' }),
    evalBatchSize: alternatives(int(1)),
    keepCheckpoints: alternatives(int(0)),
    recipe: alternatives({ type: 'string', enum: [...PLAN_RECIPES] }),
    init: alternatives({ type: 'string', enum: [...PLAN_INIT_SCHEMES] }),
  },
};

export const PLAN_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://randwire.dev/schema/sweep-plan-1.schema.json',
  title: 'randwire sweep plan',
  description:
    'A generator study: θ alternatives (a base and entries) × seeds × training options; each point is one network g(θ, s) trained with one recipe.',
  type: 'object',
  required: ['format', 'version', 'seeds'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    format: { const: PLAN_FORMAT },
    version: { const: PLAN_VERSION },
    name: { type: 'string' },
    description: { type: 'string' },
    generator: generatorAxes,
    generators: { type: 'array', items: generatorAxes, minItems: 1 },
    seeds: {
      anyOf: [
        { type: 'array', items: int(0), minItems: 1 },
        { type: 'string', pattern: '^\\s*\\d+(\\s*-\\s*\\d+)?(\\s*,\\s*\\d+(\\s*-\\s*\\d+)?)*\\s*$' },
      ],
    },
    train: trainAxes,
    data: text,
    limit: { anyOf: [int(1), { type: 'null' }] },
    testLimit: { anyOf: [int(1), { type: 'null' }] },
    engine: { type: 'string', enum: [...ENGINES] },
  },
} as const;
