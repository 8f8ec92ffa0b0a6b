// A sweep point: the self-contained JSON payload of one training run of a study — the spec
// (the network, the contract: nothing re-runs a generator), the recipe (resolved training
// options with their seed, the data choice, the engine), and θ and the seed as given (for
// grouping). Its id is a hash of (spec, recipe), so the same point always lands in the same
// run directory and a rerun finds it. Executable anywhere: `runPoint(point, dir)` in the CLI
// (and, later, a queue worker) needs nothing else.
import { createHash } from 'node:crypto';
import { type NetworkSpec, stableStringify, validateSpec } from '@randwire/spec';
import { PointError } from './errors';
import { type DataChoice, ENGINES, type EngineChoice, type Theta } from './plan';

export const POINT_FORMAT = 'randwire-sweep-point';
export const POINT_VERSION = 1;

/** How a point is trained. */
export interface Recipe {
  /** @randwire/tfjs TrainOptions, resolved (every field, the seed included). */
  train: Record<string, unknown> & { seed: number };
  data: DataChoice;
  engine: EngineChoice;
}

export interface SweepPoint {
  format: typeof POINT_FORMAT;
  version: typeof POINT_VERSION;
  /** pointId(spec, recipe). */
  id: string;
  /** θ as the plan gave it (no seed). */
  theta: Theta;
  seed: number;
  spec: NetworkSpec;
  recipe: Recipe;
}

/** Hex digits of a point id (64 bits of SHA-256). */
export const POINT_ID_LENGTH = 16;

/** The stable id of (spec, recipe): SHA-256 of their key-sorted JSON, first 16 hex digits.
 * Thread counts and other machine settings are not part of it (they do not change results). */
export function pointId(spec: NetworkSpec, recipe: Recipe): string {
  return createHash('sha256')
    .update(stableStringify({ spec, recipe }))
    .digest('hex')
    .slice(0, POINT_ID_LENGTH);
}

export function makePoint(args: {
  theta: Theta;
  seed: number;
  spec: NetworkSpec;
  recipe: Recipe;
}): SweepPoint {
  return {
    format: POINT_FORMAT,
    version: POINT_VERSION,
    id: pointId(args.spec, args.recipe),
    theta: args.theta,
    seed: args.seed,
    spec: args.spec,
    recipe: args.recipe,
  };
}

/** The point's run directory name under a sweep: `<spec name>-<first 10 hex of the id>`. */
export function pointDirName(point: Pick<SweepPoint, 'id' | 'spec'>): string {
  const name = String(point.spec.name)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 80);
  return `${name}-${point.id.slice(0, 10)}`;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a point payload (envelope, spec, recipe shape, id = pointId(spec, recipe)); throws
 * PointError naming `source` and the JSON pointer of the first problem. */
export function validatePoint(doc: unknown, source = 'point'): SweepPoint {
  const bad = (pointer: string, message: string): never => {
    throw new PointError(`${source}: ${pointer}: ${message}`);
  };
  if (!isObj(doc)) bad('/', 'a point must be a JSON object');
  const o = doc as Record<string, unknown>;
  if (o['format'] !== POINT_FORMAT)
    bad('/format', `must be "${POINT_FORMAT}" (got ${JSON.stringify(o['format'])})`);
  if (o['version'] !== POINT_VERSION)
    bad(
      '/version',
      `unsupported point version ${JSON.stringify(o['version'])}: this randwire reads ${POINT_VERSION}`,
    );
  if (typeof o['id'] !== 'string' || !/^[0-9a-f]{16}$/.test(o['id']))
    bad('/id', 'must be 16 lowercase hex digits');
  if (!isObj(o['theta'])) bad('/theta', 'must be an object of θ fields');
  if (!Number.isSafeInteger(o['seed']) || (o['seed'] as number) < 0) bad('/seed', 'must be an integer >= 0');
  const checked = validateSpec(o['spec']);
  if (!checked.ok) {
    const p = checked.problems[0]!;
    bad(`/spec${p.pointer}`, p.message);
  }
  const recipe = o['recipe'];
  if (!isObj(recipe)) bad('/recipe', 'must be an object { train, data, engine }');
  const r = recipe as Record<string, unknown>;
  if (!isObj(r['train']) || !Number.isSafeInteger((r['train'] as Record<string, unknown>)['seed'])) {
    bad('/recipe/train', 'must be an object of training options with an integer seed');
  }
  const data = r['data'] as Record<string, unknown> | undefined;
  if (!isObj(data) || typeof data['data'] !== 'string')
    bad('/recipe/data', 'must be { data, limit, testLimit }');
  for (const key of ['limit', 'testLimit']) {
    const v = data![key];
    if (v !== null && !(Number.isSafeInteger(v) && (v as number) >= 1)) {
      bad(`/recipe/data/${key}`, `must be an integer >= 1 or null (got ${JSON.stringify(v)})`);
    }
  }
  if (!ENGINES.includes(r['engine'] as EngineChoice))
    bad('/recipe/engine', `must be one of ${ENGINES.join(', ')}`);
  const point = doc as unknown as SweepPoint;
  const id = pointId(point.spec, point.recipe);
  if (id !== point.id)
    bad('/id', `is ${point.id}, but (spec, recipe) hash to ${id}: the payload was changed`);
  return point;
}
