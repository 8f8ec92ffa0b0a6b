// randwire generate: g(θ, s) → one spec file (canonical JSON), or stdout with `-o -`.
import {
  costOf,
  type GenerateSpecOptions,
  generateSpec,
  NODE_TRANSFORMS,
  PRESET_NAMES,
  SCHEMA_LIMITS,
  type StageOptions,
  type StemUnitOptions,
  serializeSpec,
} from '@randwire/spec';
import { type Command, choiceOption, numberOption, UserError } from '../cli';
import { si, writeFileAtomic } from './spec-io';

const MODELS = ['ws', 'ba', 'er'] as const;

function parseJsonList<T>(option: string, text: string): T[] {
  try {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v)) throw new Error('not an array');
    return v as T[];
  } catch (e) {
    throw new UserError(
      `randwire generate: invalid --${option} '${text}': a JSON array expected (${(e as Error).message})`,
    );
  }
}

const int = (text: string | undefined) =>
  text !== undefined && /^\d+$/.test(text) ? Number(text) : Number.NaN;

/** `N:C[:down|same][:ws|ba|er]` entries separated by commas, or a JSON array of StageOptions. */
export function parseStages(text: string): StageOptions[] {
  if (text.trim().startsWith('[')) return parseJsonList<StageOptions>('stages', text);
  return text.split(',').map((item) => {
    const [n, c, ...rest] = item.trim().split(':');
    const stage: StageOptions = { nodes: int(n), channels: int(c) };
    for (const r of rest) {
      if (r === 'down' || r === 'same') stage.downsample = r === 'down';
      else if ((MODELS as readonly string[]).includes(r)) stage.model = r as StageOptions['model'];
      else stage.nodes = Number.NaN;
    }
    const { maxNodes, maxChannels } = SCHEMA_LIMITS;
    if (
      !(stage.nodes >= 1 && stage.nodes <= maxNodes && stage.channels >= 1 && stage.channels <= maxChannels)
    ) {
      throw new UserError(
        `randwire generate: invalid --stages entry '${item}': must be N:C[:down|same][:ws|ba|er] with integers 1 <= N <= ${maxNodes}, 1 <= C <= ${maxChannels} (e.g. 32:78,32:156:down:ba)`,
      );
    }
    return stage;
  });
}

/** `C[/stride]` entries separated by commas (the first unit conv-BN, the others ReLU-conv-BN),
 * or a JSON array of StemUnitOptions. */
export function parseStem(text: string): StemUnitOptions[] {
  if (text.trim().startsWith('[')) return parseJsonList<StemUnitOptions>('stem', text);
  if (text.trim() === '') return [];
  return text.split(',').map((item, i) => {
    const [c, s] = item.trim().split('/');
    const channels = int(c);
    const stride = s === undefined ? 2 : int(s);
    if (!(channels >= 1 && channels <= SCHEMA_LIMITS.maxChannels) || (stride !== 1 && stride !== 2)) {
      throw new UserError(
        `randwire generate: invalid --stem entry '${item}': must be C or C/S with an integer 1 <= C <= ${SCHEMA_LIMITS.maxChannels} and S 1 or 2`,
      );
    }
    return { channels, stride: stride as 1 | 2, preRelu: i > 0 };
  });
}

export function parseInput(text: string): { height: number; width: number; channels: number } {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(text.trim());
  const [height, width, channels] = [Number(m?.[1]), Number(m?.[2]), Number(m?.[3])];
  const { maxSide, maxChannels } = SCHEMA_LIMITS;
  if (
    !(
      height >= 1 &&
      height <= maxSide &&
      width >= 1 &&
      width <= maxSide &&
      channels >= 1 &&
      channels <= maxChannels
    )
  )
    throw new UserError(
      `randwire generate: invalid --input '${text}': must be HxWxC with 1 <= H, W <= ${maxSide} and 1 <= C <= ${maxChannels}, e.g. 28x28x1 or 32x32x3`,
    );
  return { height, width, channels };
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Generate a randomly wired network spec g(θ, s) (canonical JSON)',
  usage: '[--preset NAME | --input HxWxC --stages LIST ...] [--model ws|ba|er] [--seed S] [-o FILE|-]',
  details: [
    `Presets: ${PRESET_NAMES.join(', ')} (N and C overridable with --nodes/--channels).`,
    'Without a preset give --input and --stages; --stem defaults to none, --classes to 1000.',
    '--stages: N:C[:down|same][:ws|ba|er],... (e.g. 16:32,16:64,16:128) or a JSON array of',
    '  { nodes, channels, downsample, model, k, p, m, transform, name }.',
    '--stem: C[/S],... (first unit conv-BN, later ReLU-conv-BN; stride S defaults to 2) or JSON.',
    'Stage i draws its graph from a seed derived from S and i (recorded in the spec).',
    '',
    'Examples:',
    '  randwire generate --preset small --seed 0 -o small-0.json',
    '  randwire generate --preset small --model ba --m 5 --seed 1 | randwire inspect -',
    '  randwire generate --input 28x28x1 --classes 10 --stem 16/1,32/1 --stages 16:32,16:64,16:128 --seed 3 -o -',
  ].join('\n'),
  options: {
    preset: { type: 'string', arg: 'NAME', description: `one of ${PRESET_NAMES.join(', ')}` },
    seed: {
      type: 'string',
      arg: 'S',
      description: 'the seed s, an integer >= 0 (0 is a seed; none = random, recorded per stage)',
    },
    model: { type: 'string', arg: 'ws|ba|er', description: 'graph model of every stage (default ws)' },
    k: { type: 'string', arg: 'K', description: 'WS: ring neighbours, even (default 4)' },
    p: {
      type: 'string',
      arg: 'P',
      description: 'WS: rewiring probability (default 0.75); ER: edge probability (default 0.2)',
    },
    m: { type: 'string', arg: 'M', description: 'BA: edges per added node (default 5)' },
    transform: {
      type: 'string',
      arg: 'T',
      description: `node transformation: ${NODE_TRANSFORMS.join(', ')} (default sep-conv-3x3)`,
    },
    nodes: { type: 'string', arg: 'N', description: 'N of the preset' },
    channels: { type: 'string', arg: 'C', description: 'C of the preset' },
    input: { type: 'string', arg: 'HxWxC', description: 'input size, e.g. 32x32x3' },
    classes: { type: 'string', arg: 'K', description: 'number of classes' },
    stem: { type: 'string', arg: 'LIST', description: 'stem units C[/S],... or JSON' },
    stages: { type: 'string', arg: 'LIST', description: 'random stages N:C[:down|same][:model],... or JSON' },
    'head-channels': {
      type: 'string',
      arg: 'C',
      description: 'channels of the head’s 1×1 conv (default 1280)',
    },
    dropout: { type: 'string', arg: 'R', description: 'dropout before the classifier (default 0)' },
    name: { type: 'string', arg: 'NAME', description: 'spec name (default PRESET-MODEL-seedS)' },
    output: {
      type: 'string',
      short: 'o',
      arg: 'FILE',
      description: 'output file, - for stdout',
      default: '-',
    },
    json: {
      type: 'boolean',
      description: 'with -o FILE: print { file, name, seed, params, multiplyAdds } as JSON',
    },
  },
  positionals: [0, 0],
  run(values, _positionals, ctx) {
    const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    const num = (k: string, o: { integer?: boolean; min?: number; max?: number } = {}) =>
      numberOption('generate', k, values[k], o);
    const options: GenerateSpecOptions = {};
    const preset = choiceOption('generate', 'preset', values['preset'], PRESET_NAMES);
    if (preset !== undefined) options.preset = preset;
    const seed = num('seed', { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
    options.seed = seed ?? null;
    const model = choiceOption('generate', 'model', values['model'], MODELS);
    if (model !== undefined) options.model = model;
    const k = num('k', { integer: true, min: 2 });
    const p = num('p', { min: 0, max: 1 });
    const m = num('m', { integer: true, min: 1 });
    if (k !== undefined) options.k = k;
    if (p !== undefined) options.p = p;
    if (m !== undefined) options.m = m;
    const transform = choiceOption('generate', 'transform', values['transform'], NODE_TRANSFORMS);
    if (transform !== undefined) options.transform = transform;
    const nodes = num('nodes', { integer: true, min: 1, max: SCHEMA_LIMITS.maxNodes });
    const channels = num('channels', { integer: true, min: 1, max: SCHEMA_LIMITS.maxChannels });
    if (nodes !== undefined) options.nodes = nodes;
    if (channels !== undefined) options.channels = channels;
    const input = str('input');
    if (input !== undefined) options.input = parseInput(input);
    const classes = num('classes', { integer: true, min: 1, max: SCHEMA_LIMITS.maxClasses });
    if (classes !== undefined) options.classes = classes;
    const stem = str('stem');
    if (stem !== undefined) options.stem = parseStem(stem);
    const stages = str('stages');
    if (stages !== undefined) options.stages = parseStages(stages);
    const head = num('head-channels', { integer: true, min: 1, max: SCHEMA_LIMITS.maxChannels });
    if (head !== undefined) options.headChannels = head;
    const dropout = num('dropout', { min: 0, max: 0.99 });
    if (dropout !== undefined) options.dropout = dropout;
    const name = str('name');
    if (name !== undefined) options.name = name;
    if (preset === undefined && (input === undefined || stages === undefined)) {
      throw new UserError(
        'randwire generate: give --preset NAME, or --input HxWxC and --stages LIST (see --help)',
      );
    }

    const spec = generateSpec(options);
    if (seed === undefined) {
      ctx.err(
        'note: no --seed given: random stage seeds were drawn (recorded in the spec); pass --seed S to make it reproducible',
      );
    }
    const text = serializeSpec(spec);
    const out = String(values['output']);
    if (out === '-') {
      ctx.out(text);
      return 0;
    }
    writeFileAtomic('generate', out, text);
    const total = costOf(spec).total;
    if (values['json']) {
      ctx.out(
        JSON.stringify({
          file: out,
          name: spec.name,
          seed: spec.provenance.seed,
          params: total.params,
          multiplyAdds: total.multiplyAdds,
        }),
      );
    } else {
      ctx.out(
        `wrote ${out}: ${spec.name}, ${spec.stages.length} random stages, ${si(total.params)} params, ${si(total.multiplyAdds)} multiply-adds`,
      );
    }
    return 0;
  },
};
