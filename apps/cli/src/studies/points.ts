// Plan → sweep points: expands the plan (@randwire/studies), generates each point's spec g(θ, s)
// (@randwire/spec), resolves its training options (@randwire/tfjs) and checks its data and
// engine once, so every mistake is reported before anything trains, naming the plan file and
// JSON pointer (or the flag).
import type { GenerateSpecOptions, NetworkSpec } from '@randwire/spec';
import type { PointDraft, SweepPlan, SweepPoint, Theta } from '@randwire/studies';
import type { TrainOptions } from '@randwire/tfjs';
import { UserError } from '../cli';
import { parseInput, parseStages, parseStem } from '../commands/generate';
import { loadDataSplit } from '../data';
import { onnxruntimeUnsupported } from '../engine';
import { loadSpec, loadStudies, loadTfjs } from '../lazy-packages';
import { isUserFacing } from '../user-errors';

/** Names a place of the plan in a message: `plan.json: /generators/1/p` or `--p`. */
export type Where = (pointer: string) => string;

/** θ as given → generateSpec options (the seed is added by the caller). */
export function thetaOptions(theta: Theta, where: (field: keyof Theta) => string): GenerateSpecOptions {
  const parse = <T>(field: keyof Theta, f: (text: string) => T, text: string): T => {
    try {
      return f(text);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      throw new UserError(`${where(field)}: ${e.message.replace(/^randwire generate: /, '')}`, { cause: e });
    }
  };
  const { stages, stem, input, preset, model, transform, ...rest } = theta;
  return {
    ...rest,
    ...(preset === undefined ? {} : { preset: preset as GenerateSpecOptions['preset'] }),
    ...(model === undefined ? {} : { model: model as GenerateSpecOptions['model'] }),
    ...(transform === undefined ? {} : { transform: transform as GenerateSpecOptions['transform'] }),
    ...(stages === undefined ? {} : { stages: parse('stages', parseStages, stages) }),
    ...(stem === undefined ? {} : { stem: parse('stem', parseStem, stem) }),
    ...(input === undefined ? {} : { input: parse('input', parseInput, input) }),
  };
}

/** The pointer of a θ field of a draft: its entry's when the entry gives it, else the base's. */
function fieldPointer(plan: SweepPlan, draft: PointDraft, field: string): string {
  const i = /^\/generators\/(\d+)$/.exec(draft.entry)?.[1];
  const entry = i === undefined ? undefined : plan.generators?.[Number(i)];
  return entry && field in entry ? `${draft.entry}/${field}` : `/generator/${field}`;
}

/** Expands, generates and checks every point of a plan; points are unique by id. */
export function buildPoints(command: string, plan: SweepPlan, source: string, where: Where): SweepPoint[] {
  const { expandPlan, makePoint } = loadStudies();
  const { generateSpec, SpecError } = loadSpec();
  const { resolveTrainOptions, TrainOptionsError } = loadTfjs();
  const points = new Map<string, SweepPoint>();
  for (const draft of expandPlan(plan, source)) {
    const fields = (f: string) => where(fieldPointer(plan, draft, f));
    const options = thetaOptions(draft.theta, fields);
    let spec: NetworkSpec;
    try {
      spec = generateSpec({ ...options, seed: draft.seed });
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      throw new UserError(`${where(draft.entry)}: seed ${draft.seed}: ${e.message}`, { cause: e });
    }
    let train: TrainOptions;
    try {
      train = resolveTrainOptions({ ...draft.train, seed: draft.seed });
    } catch (e) {
      if (!(e instanceof TrainOptionsError)) throw e;
      throw new UserError(`${where('/train')}: ${e.message}`, { cause: e });
    }
    const point = makePoint({
      theta: draft.theta,
      seed: draft.seed,
      spec,
      recipe: { train: { ...train }, data: draft.data, engine: draft.engine },
    });
    if (!points.has(point.id)) points.set(point.id, point);
  }
  checkDataAndEngine(command, [...points.values()], where);
  return [...points.values()];
}

/** Reads each distinct data choice once per input shape (both splits) and checks that the
 * onnxruntime engine, if forced, can train every point. */
function checkDataAndEngine(command: string, points: readonly SweepPoint[], where: Where): void {
  const seen = new Set<string>();
  for (const p of points) {
    const { data } = p.recipe;
    const key = JSON.stringify([
      data,
      p.spec.input.height,
      p.spec.input.width,
      p.spec.input.channels,
      p.spec.classes,
    ]);
    if (!seen.has(key)) {
      seen.add(key);
      try {
        loadDataSplit(command, data, p.spec, 'train');
        loadDataSplit(command, data, p.spec, 'test');
      } catch (e) {
        if (!isUserFacing(e)) throw e;
        throw new UserError(
          `${where('/data')}: ${e.message.replace(new RegExp(`^randwire ${command}: `), '')}`,
          {
            cause: e,
          },
        );
      }
    }
    if (p.recipe.engine === 'onnxruntime') {
      const why = onnxruntimeUnsupported(p.spec);
      if (why !== null) {
        throw new UserError(
          `${where('/engine')}: onnxruntime cannot train point ${p.spec.name} (${p.id}): ${why}; use engine auto or tfjs`,
        );
      }
    }
  }
}
