// Reading and checking a sweep plan: JSON, then the schema (ajv), then the rules a schema
// cannot say (a graph parameter must belong to one of its entry's models; seed ranges; no
// duplicate alternatives). The first problem is thrown as one PlanError line:
// `<source>: <JSON pointer>: <what is wrong and what is allowed> (got <value>)`.
import { NODE_TRANSFORMS, PRESET_NAMES } from '@randwire/spec';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { PlanError } from './errors';
import {
  ENGINES,
  type GeneratorAxes,
  GRAPH_PARAM_MODELS,
  PLAN_FORMAT,
  PLAN_INIT_SCHEMES,
  PLAN_RECIPES,
  PLAN_SCHEMA,
  PLAN_VERSION,
  type SweepPlan,
} from './plan';

/** At most this many seeds and points in one plan (a typo such as "0-99999" fails early). */
export const PLAN_LIMITS = Object.freeze({ maxSeeds: 10_000, maxPoints: 100_000 });

const list = (what: string) => `${what}, or a non-empty list of them`;

/** What each field allows, for messages. */
const ALLOWED: Readonly<Record<string, string>> = Object.freeze({
  preset: list(`one of ${PRESET_NAMES.join(', ')}`),
  model: list('one of ws, ba, er'),
  k: list('an even integer >= 2'),
  p: list('a number in [0, 1]'),
  m: list('an integer >= 1'),
  nodes: list('an integer >= 1'),
  channels: list('an integer >= 1'),
  transform: list(`one of ${NODE_TRANSFORMS.join(', ')}`),
  stages: list("a stage list such as '16:32,16:64:ba' (N:C[:down|same][:ws|ba|er],...)"),
  stem: list("a stem such as '16/1,32/1' (C[/S],...)"),
  input: list("an input size HxWxC such as '28x28x1'"),
  classes: list('an integer >= 1'),
  headChannels: list('an integer >= 1'),
  dropout: list('a number in [0, 0.99]'),
  epochs: list('an integer >= 1'),
  batchSize: list('an integer >= 1'),
  lr: list('a number >= 0'),
  momentum: list('a number in [0, 1)'),
  nesterov: list('true or false'),
  weightDecay: list('a number in [0, 1]'),
  labelSmoothing: list('a number in [0, 1)'),
  warmupEpochs: list('a number >= 0'),
  dropEdge: list('a number in [0, 1]'),
  augment: list('true or false'),
  evalBatchSize: list('an integer >= 1'),
  keepCheckpoints: list('an integer >= 0'),
  recipe: list(`one of ${PLAN_RECIPES.join(', ')}`),
  init: list(`one of ${PLAN_INIT_SCHEMES.join(', ')}`),
  format: `"${PLAN_FORMAT}"`,
  version: String(PLAN_VERSION),
  name: 'a string',
  description: 'a string',
  generator: 'an object of θ fields',
  generators: 'a non-empty list of objects of θ fields',
  seeds: 'a non-empty list of integers >= 0, or ranges such as "0-4" or "0-2,7"',
  train: 'an object of training options',
  data: 'a data choice such as embedded, synthetic, fashion-mnist[=DIR], mnist=DIR or cifar10=DIR',
  limit: 'an integer >= 1 or null (all training images)',
  testLimit: 'an integer >= 1 or null (all test images)',
  engine: `one of ${ENGINES.join(', ')}`,
});

let compiled: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(PLAN_SCHEMA);
  return compiled;
}

function shortJson(v: unknown): string {
  const t = JSON.stringify(v) ?? String(v);
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

function fail(source: string, pointer: string, message: string, value?: unknown): never {
  const got = value === undefined ? '' : ` (got ${shortJson(value)})`;
  throw new PlanError(`${source}: ${pointer || '/'}: ${message}${got}`);
}

/** The field a pointer is about: /seeds, /generator/k, /generators/2/p/1, /train/lr/0 ... */
function fieldOf(pointer: string): string | undefined {
  const parts = pointer.split('/').slice(1); // plan keys have no '~' or '/' to unescape
  if (parts[0] === 'generators' && parts.length >= 3) return parts[2];
  if ((parts[0] === 'generator' || parts[0] === 'train') && parts.length >= 2) return parts[1];
  return parts[0];
}

function fromAjv(source: string, errors: ErrorObject[]): never {
  // The most specific problem: the deepest pointer (anyOf branches report their parents too).
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const e = errors.reduce((best, x) => (depth(x) > depth(best) ? x : best), errors[0]!);
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    const key = String(params['additionalProperty']);
    const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
    fail(
      source,
      `${e.instancePath}/${key}`,
      `unknown field '${key}': allowed fields are ${known.join(', ')}`,
    );
  }
  if (e.keyword === 'required') {
    const key = String(params['missingProperty']);
    fail(
      source,
      `${e.instancePath}/${key}`,
      `missing required field '${key}': must be ${ALLOWED[key] ?? ''}`,
    );
  }
  // Report the field as a whole (a value or a list) where a list element is wrong.
  const field = fieldOf(e.instancePath);
  const allowed = field === undefined ? undefined : ALLOWED[field];
  fail(source, e.instancePath, allowed ? `must be ${allowed}` : (e.message ?? e.keyword), e.data);
}

/** Parses a seed list: integers, or a string of ranges "0-4", "0-2,7". */
export function parseSeeds(seeds: number[] | string, source: string, pointer = '/seeds'): number[] {
  let out: number[];
  if (typeof seeds === 'string') {
    out = [];
    for (const part of seeds.split(',')) {
      const [a, b] = part.split('-').map((x) => Number(x.trim()));
      const lo = a!;
      const hi = b ?? lo;
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
        fail(source, pointer, `invalid range '${part.trim()}': must be A or A-B with integers 0 <= A <= B`);
      }
      if (hi - lo + 1 + out.length > PLAN_LIMITS.maxSeeds) {
        fail(source, pointer, `more than ${PLAN_LIMITS.maxSeeds} seeds`, seeds);
      }
      for (let s = lo; s <= hi; s++) out.push(s);
    }
  } else {
    out = [...seeds];
    if (out.length > PLAN_LIMITS.maxSeeds) fail(source, pointer, `more than ${PLAN_LIMITS.maxSeeds} seeds`);
    const bad = out.findIndex((s) => !Number.isSafeInteger(s) || s < 0);
    if (bad >= 0) fail(source, `${pointer}/${bad}`, 'must be an integer >= 0', out[bad]);
  }
  const seen = new Set<number>();
  for (const s of out) {
    if (seen.has(s)) fail(source, pointer, `seed ${s} is listed twice`, seeds);
    seen.add(s);
  }
  return out;
}

const asList = <T>(v: T | T[] | undefined): T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

function checkAxes(source: string, pointer: string, axes: Record<string, unknown>): void {
  for (const [key, v] of Object.entries(axes)) {
    if (!Array.isArray(v)) continue;
    const seen = new Set<string>();
    v.forEach((x, i) => {
      const id = JSON.stringify(x);
      if (seen.has(id)) fail(source, `${pointer}/${key}/${i}`, `duplicate alternative: each value once`, x);
      seen.add(id);
    });
  }
}

/** k, p and m must each belong to one of the entry's models (else they would make copies of
 * the same network). Without `model` the entry uses ws (GENERATE_DEFAULTS) unless `stages`
 * names models per stage (then nothing is checked: generateSpec uses what applies). */
function checkGraphParams(source: string, pointer: (key: string) => string, entry: GeneratorAxes): void {
  if (entry.model === undefined && entry.stages !== undefined) return;
  const models = asList(entry.model) ?? ['ws'];
  for (const key of ['k', 'p', 'm'] as const) {
    if (entry[key] === undefined) continue;
    const owners = GRAPH_PARAM_MODELS[key];
    if (!models.some((m) => owners.includes(m))) {
      fail(
        source,
        pointer(key),
        `${key} is a parameter of ${owners.join(' and ')}, not of the model${models.length > 1 ? 's' : ''} ${models.join(', ')} here: add ${owners.join(' or ')} to model or remove ${key}`,
        entry[key],
      );
    }
  }
  const k = asList(entry.k);
  const odd = k?.findIndex((x) => x % 2 !== 0) ?? -1;
  if (odd >= 0)
    fail(source, pointer('k'), 'must be an even integer >= 2 (WS places K/2 neighbours each side)', k![odd]);
}

/** Checks a parsed plan document; returns it typed. Throws PlanError naming the first problem. */
export function validatePlan(doc: unknown, source = 'plan'): SweepPlan {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    fail(source, '', 'a plan must be a JSON object', doc);
  }
  const o = doc as Record<string, unknown>;
  if (o['format'] !== PLAN_FORMAT) fail(source, '/format', `must be "${PLAN_FORMAT}"`, o['format']);
  if (o['version'] !== PLAN_VERSION) {
    fail(
      source,
      '/version',
      `unsupported plan version: this randwire reads version ${PLAN_VERSION}`,
      o['version'],
    );
  }
  const validate = schemaValidator();
  if (!validate(doc)) fromAjv(source, validate.errors ?? []);
  const plan = doc as SweepPlan;
  parseSeeds(plan.seeds, source);
  if (plan.generator) checkAxes(source, '/generator', plan.generator);
  if (plan.train) checkAxes(source, '/train', plan.train);
  const entries = plan.generators ?? [{}];
  entries.forEach((entry, i) => {
    if (plan.generators) checkAxes(source, `/generators/${i}`, entry);
    const merged = { ...plan.generator, ...entry };
    checkGraphParams(
      source,
      (key) =>
        entry[key as keyof GeneratorAxes] !== undefined ? `/generators/${i}/${key}` : `/generator/${key}`,
      merged,
    );
  });
  return plan;
}

/** Parses and checks plan JSON text (`source` names it in messages, e.g. the file path). */
export function parsePlan(text: string, source = 'plan'): SweepPlan {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PlanError(`${source}: not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return validatePlan(doc, source);
}
