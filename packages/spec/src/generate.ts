// The network generator g(θ, s): options θ (a preset and/or an explicit stem, stage list,
// input, classes, graph models ...) and a seed s give one self-contained spec. The same
// (θ, s) gives the same spec, byte for byte after `serializeSpec`, on every machine.
//
// How s is used: stage i draws its graph from `createRng(stageSeed(s, i))` (see
// `stage-seed.ts`); nothing else is random. With `seed: null` a fresh random base seed is
// drawn, provenance.seed stays null, and each stage's derived seed is still recorded.

import { dagFromEdgeList, type RandomDag } from '@randwire/dag';
import {
  createRng,
  expectedEdges,
  type GraphModelName,
  type GraphParams,
  generateEdges,
  randomSeed,
} from '@randwire/graphs';
import { SpecBuildError } from './errors';
import { type Normalization, PRESET_NAMES, type PresetName, presetTemplate } from './presets';
import { SCHEMA_LIMITS } from './schema';
import { stageSeed } from './stage-seed';
import type {
  ConvUnitSpec,
  InputSpec,
  NetworkSpec,
  NodeTransform,
  RandomStageSpec,
  StageNodeSpec,
} from './types';
import { NODE_TRANSFORMS, SPEC_FORMAT, SPEC_VERSION } from './types';
import { validateSpec } from './validate';
import { LIBRARY_NAME, LIBRARY_VERSION } from './version';

export type RandomGraphModel = GraphModelName;

/** One random stage of the general form. */
export interface StageOptions {
  /** Internal nodes N. */
  nodes: number;
  /** Channels of every node (and of the stage's output). */
  channels: number;
  /** Whether the nodes fed by the stage input use stride 2 (default true). */
  downsample?: boolean;
  /** Graph model (default: the network's `model`). */
  model?: RandomGraphModel;
  /** Graph parameters (default: the network's, else the paper's WS(4, 0.75), BA(5), ER(0.2)). */
  k?: number;
  p?: number;
  m?: number;
  /** Node transformation (default: the network's `transform`). */
  transform?: NodeTransform;
  /** Stage name (default `s${i + 1}`). */
  name?: string;
}

/** One dense conv unit of the stem: [ReLU →] conv(kernel, stride) → BN. */
export interface StemUnitOptions {
  channels: number;
  /** Default 2. */
  stride?: 1 | 2;
  /** ReLU before the conv (default false). */
  preRelu?: boolean;
  /** Default 3. */
  kernel?: number;
  /** Default `conv${i + 1}`. */
  name?: string;
}

export interface GenerateSpecOptions {
  /** A paper configuration (presets.ts); explicit options below override its values. */
  preset?: PresetName;
  /** The seed s. 0 is a seed; null/undefined draws a fresh random one (not reproducible). */
  seed?: number | null;
  /** N of the preset (the regular regime's first stage has N/2, rounded down). */
  nodes?: number;
  /** C of the preset. */
  channels?: number;
  input?: { height: number; width: number; channels: number };
  /** Input normalization (default: the preset's; else ImageNet's for 3 channels,
   * Fashion-MNIST's for 1 channel). */
  normalization?: Normalization;
  classes?: number;
  stem?: StemUnitOptions[];
  stages?: StageOptions[];
  /** Channels of the classifier's 1×1 conv. */
  headChannels?: number;
  /** Dropout before the classifier during training. */
  dropout?: number;
  /** Graph model of every stage that does not name its own. */
  model?: RandomGraphModel;
  k?: number;
  p?: number;
  m?: number;
  transform?: NodeTransform;
  batchNorm?: { epsilon: number; momentum: number };
  /** Spec name (default `${preset}-${models}-seed${s}`). */
  name?: string;
}

export const GENERATE_DEFAULTS = Object.freeze({
  model: 'ws' as RandomGraphModel,
  graphParams: Object.freeze({
    ws: Object.freeze({ k: 4, p: 0.75 }),
    ba: Object.freeze({ m: 5 }),
    er: Object.freeze({ p: 0.2 }),
  }) as Readonly<Record<RandomGraphModel, Readonly<GraphParams>>>,
  transform: 'sep-conv-3x3' as NodeTransform,
  classes: 1000,
  headChannels: 1280,
  dropout: 0,
  /** PyTorch's BN defaults written in Keras's convention (momentum 0.1 there = 0.9 here). */
  batchNorm: Object.freeze({ epsilon: 1e-5, momentum: 0.9 }),
  downsample: true,
  stemStride: 2 as 1 | 2,
  stemKernel: 3,
});

export const NORMALIZATIONS = Object.freeze({
  imagenet: Object.freeze({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }),
  cifar10: Object.freeze({ mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] }),
  /** Measured on the 60k training images of Debian's dataset-fashion-mnist: 0.28604, 0.35302. */
  'fashion-mnist': Object.freeze({ mean: [0.286], std: [0.353] }),
});

const WHERE = '@randwire/spec/generate';
const MODELS: readonly RandomGraphModel[] = ['ws', 'ba', 'er'];

function fail(message: string, cause?: unknown): never {
  throw new SpecBuildError(`${WHERE}: ${message}`, cause === undefined ? undefined : { cause });
}

function positiveInt(what: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)
    fail(
      `invalid ${what} (${JSON.stringify(v)}): must be an integer >= 1${max < Number.MAX_SAFE_INTEGER ? ` and <= ${max}` : ''}`,
    );
  return v;
}

const L = SCHEMA_LIMITS;

function resolveNormalization(
  n: Normalization | undefined,
  channels: number,
): { mean: number[]; std: number[] } {
  let chosen: { mean: readonly number[]; std: readonly number[] } | undefined;
  if (n === undefined) {
    chosen =
      channels === 3 ? NORMALIZATIONS.imagenet : channels === 1 ? NORMALIZATIONS['fashion-mnist'] : undefined;
    if (!chosen)
      fail(`no default normalization for ${channels} input channels: give normalization { mean, std }`);
  } else if (typeof n === 'string') {
    chosen = NORMALIZATIONS[n];
    if (!chosen)
      fail(
        `unknown normalization '${n}': must be one of ${Object.keys(NORMALIZATIONS).join(', ')} or { mean, std }`,
      );
  } else {
    chosen = n;
  }
  if (chosen.mean.length !== channels || chosen.std.length !== channels) {
    fail(
      `normalization has ${chosen.mean.length} means and ${chosen.std.length} stds: must have one of each per input channel (${channels})`,
    );
  }
  return { mean: [...chosen.mean], std: [...chosen.std] };
}

function graphParamsFor(
  model: RandomGraphModel,
  stage: StageOptions,
  options: GenerateSpecOptions,
): Record<string, number> {
  const defaults = GENERATE_DEFAULTS.graphParams[model];
  const out: Record<string, number> = {};
  for (const key of ['k', 'p', 'm'] as const) {
    if (!(key in defaults)) continue;
    const v = stage[key] ?? options[key] ?? defaults[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** A stage's options resolved and checked, before its graph is drawn. */
interface ResolvedStage {
  name: string;
  n: number;
  channels: number;
  model: RandomGraphModel;
  params: Record<string, number>;
  transform: NodeTransform;
  downsample: boolean;
}

function resolveStage(stage: StageOptions, index: number, options: GenerateSpecOptions): ResolvedStage {
  const name = stage.name ?? `s${index + 1}`;
  const n = positiveInt(`stages[${index}].nodes`, stage.nodes, L.maxNodes);
  const channels = positiveInt(`stages[${index}].channels`, stage.channels, L.maxChannels);
  const model = stage.model ?? options.model ?? GENERATE_DEFAULTS.model;
  if (!MODELS.includes(model))
    fail(`unknown graph model '${model}' for stage ${name}: must be one of ${MODELS.join(', ')}`);
  const transform = stage.transform ?? options.transform ?? GENERATE_DEFAULTS.transform;
  if (!NODE_TRANSFORMS.includes(transform)) {
    fail(`unknown transform '${transform}' for stage ${name}: must be one of ${NODE_TRANSFORMS.join(', ')}`);
  }
  const downsample = stage.downsample ?? GENERATE_DEFAULTS.downsample;
  return { name, n, channels, model, params: graphParamsFor(model, stage, options), transform, downsample };
}

/** Refuses, before any graph is drawn, stages whose graphs hold more than maxEdges edges. */
function checkEdges(stages: readonly ResolvedStage[]): void {
  const per = stages.map((s) => expectedEdges(s.model, s.n, s.params));
  const total = per.reduce((a, b) => a + b, 0);
  if (total > L.maxEdges) {
    const big = stages[per.indexOf(Math.max(...per))]!;
    fail(
      `too many edges: the stages' graphs give ${Math.round(total)} edges${stages.some((s) => s.model === 'er') ? ' (expected)' : ''}, beyond the bound of ${L.maxEdges} (largest: stage ${big.name}, ${big.model} ${JSON.stringify(big.params)}, N=${big.n})`,
    );
  }
}

function buildStage(stage: ResolvedStage, inChannels: number, seed: number): RandomStageSpec {
  const { name, n, model, params } = stage;
  let dag: RandomDag;
  try {
    // The typed-array path of both packages: the same graph as generateGraph + toDag, faster.
    dag = dagFromEdgeList(generateEdges(model, n, params, createRng(seed)));
  } catch (e) {
    fail(`stage ${name} (${model} ${JSON.stringify(params)}, N=${n}): ${(e as Error).message}`, e);
  }
  const nodes: StageNodeSpec[] = [];
  for (let id = 0; id < dag.n; id++) {
    const preds = [...(dag.predecessors[id] ?? [])].sort((a, b) => a - b);
    const fromInput = preds.length === 0;
    nodes.push({ id, inputs: fromInput ? ['input'] : preds, stride: fromInput && stage.downsample ? 2 : 1 });
  }
  const outputs: number[] = [];
  for (let id = 0; id < dag.n; id++) if ((dag.successors[id] ?? []).length === 0) outputs.push(id);
  return {
    name,
    inChannels,
    channels: stage.channels,
    downsample: stage.downsample,
    transform: stage.transform,
    graph: { model, params, seed },
    nodes,
    outputs,
  };
}

/** Drops undefined members (θ is recorded as given, JSON-safe). */
function jsonSafe(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? null));
}

/** g(θ, s): builds one spec. Throws `SpecBuildError` for invalid options (naming the option,
 * the value and what is allowed); the result always passes `validateSpec`. */
export function generateSpec(options: GenerateSpecOptions): NetworkSpec {
  if (options.preset !== undefined && !PRESET_NAMES.includes(options.preset)) {
    fail(`unknown preset '${options.preset}': must be one of ${PRESET_NAMES.join(', ')}`);
  }
  if (options.seed != null && (!Number.isSafeInteger(options.seed) || options.seed < 0)) {
    fail(`invalid seed (${options.seed}): must be an integer in [0, 2^53), or null for a random one`);
  }
  if (options.preset === undefined && (options.nodes !== undefined || options.channels !== undefined)) {
    fail('nodes and channels set N and C of a preset: without a preset, give them per stage in stages');
  }
  const template =
    options.preset === undefined
      ? undefined
      : presetTemplate(options.preset, {
          nodes: options.nodes === undefined ? undefined : positiveInt('nodes', options.nodes, L.maxNodes),
          channels:
            options.channels === undefined
              ? undefined
              : positiveInt('channels', options.channels, L.maxChannels),
        });
  const inputSize = options.input ?? template?.input;
  if (!inputSize) fail('missing input { height, width, channels } (or choose a preset)');
  const stagesOpt = options.stages ?? template?.stages;
  if (!stagesOpt || stagesOpt.length === 0)
    fail('missing stages: give at least one stage (or choose a preset)');
  if (stagesOpt.length > L.maxStages)
    fail(`too many stages (${stagesOpt.length}): must be at most ${L.maxStages}`);
  const stemOpt = options.stem ?? template?.stem ?? [];
  if (stemOpt.length > L.maxStemUnits)
    fail(`too many stem units (${stemOpt.length}): must be at most ${L.maxStemUnits}`);
  const classes = positiveInt(
    'classes',
    options.classes ?? template?.classes ?? GENERATE_DEFAULTS.classes,
    L.maxClasses,
  );

  const input: InputSpec = {
    height: positiveInt('input.height', inputSize.height, L.maxSide),
    width: positiveInt('input.width', inputSize.width, L.maxSide),
    channels: positiveInt('input.channels', inputSize.channels, L.maxChannels),
    ...resolveNormalization(options.normalization ?? template?.normalization, inputSize.channels),
  };

  const seed = options.seed ?? null;
  const baseSeed = seed ?? randomSeed();
  let channels = input.channels;
  const stem: ConvUnitSpec[] = stemOpt.map((u, i) => {
    const unit: ConvUnitSpec = {
      name: u.name ?? `conv${i + 1}`,
      preRelu: u.preRelu ?? false,
      kernel: u.kernel ?? GENERATE_DEFAULTS.stemKernel,
      stride: u.stride ?? GENERATE_DEFAULTS.stemStride,
      inChannels: channels,
      channels: positiveInt(`stem[${i}].channels`, u.channels, L.maxChannels),
    };
    channels = unit.channels;
    return unit;
  });
  const resolved = stagesOpt.map((s, i) => resolveStage(s, i, options));
  checkEdges(resolved);
  const stages = resolved.map((s, i) => {
    const stage = buildStage(s, channels, stageSeed(baseSeed, i));
    channels = stage.channels;
    return stage;
  });

  const models = [...new Set(stages.map((s) => s.graph.model))].join('+');
  const { seed: _seed, ...theta } = options;
  const spec: NetworkSpec = {
    format: SPEC_FORMAT,
    version: SPEC_VERSION,
    name:
      options.name ?? `${options.preset ?? 'custom'}-${models}-${seed === null ? 'unseeded' : `seed${seed}`}`,
    input,
    classes,
    batchNorm: { ...(options.batchNorm ?? GENERATE_DEFAULTS.batchNorm) },
    stem,
    stages,
    head: {
      inChannels: channels,
      channels: positiveInt(
        'headChannels',
        options.headChannels ?? template?.headChannels ?? GENERATE_DEFAULTS.headChannels,
        L.maxChannels,
      ),
      classes,
      dropout: options.dropout ?? GENERATE_DEFAULTS.dropout,
    },
    provenance: {
      library: LIBRARY_NAME,
      libraryVersion: LIBRARY_VERSION,
      preset: options.preset ?? 'custom',
      seed,
      params: jsonSafe(theta) as Record<string, unknown>,
    },
  };
  const result = validateSpec(spec);
  if (!result.ok) {
    fail(
      `the options give an invalid network: ${result.problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; ')}`,
    );
  }
  return spec;
}
