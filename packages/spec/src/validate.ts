// Validation of a spec document: the JSON Schema (structure, types, enums, ranges) through
// ajv, then hand-written semantic checks (ids, edges, cycles, reachability, outputs = sinks,
// channel and stride chains, sizes). Every problem is reported with its JSON pointer, the
// bad value and what is allowed; nothing stops at the first problem except an unknown
// format or version (a newer document may be shaped differently, so nothing else is judged).
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { costOf } from './cost';
import { SpecParseError, type SpecProblem, SpecValidationError } from './errors';
import { SCHEMA_LIMITS, SPEC_SCHEMA } from './schema';
import { type NetworkSpec, SPEC_FORMAT, SPEC_VERSION } from './types';
import { LIBRARY_NAME, LIBRARY_VERSION } from './version';

export interface ValidateOptions {
  /** Largest total parameter count accepted (all weights and BN statistics). */
  maxParams?: number;
  /** Largest activation memory for one image, summed over every layer's output, in bytes
   * (float32). */
  maxActivationBytes?: number;
}

/** 1 G parameters (4 GB as float32) and 4 GiB of activations per image. */
export const VALIDATE_DEFAULTS = Object.freeze({ maxParams: 1e9, maxActivationBytes: 4 * 2 ** 30 });

export type ValidateResult = { ok: true; spec: NetworkSpec } | { ok: false; problems: SpecProblem[] };

/** Names a stem unit or stage may not take (they would collide with network-level names). */
export const RESERVED_NAMES: readonly string[] = [
  'head',
  'fc',
  'probs',
  'image',
  'logits',
  'features',
  'input',
  'output',
];

/** The parameters each graph model records in `stage.graph.params`. */
const GRAPH_PARAMS: Record<string, readonly string[]> = { ws: ['k', 'p'], ba: ['m'], er: ['p'], custom: [] };

let compiled: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, verbose: true, strict: true }).compile(SPEC_SCHEMA);
  return compiled;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function listAllowed(allowed: readonly unknown[]): string {
  return allowed.map((v) => JSON.stringify(v)).join(', ');
}

function fromAjv(errors: ErrorObject[]): SpecProblem[] {
  // anyOf failures report each branch too; keep only the anyOf error itself.
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const kept = errors.filter(
    (e) =>
      !anyOfs.some(
        (a) => a !== e && a.instancePath === e.instancePath && e.schemaPath.startsWith(`${a.schemaPath}/`),
      ),
  );
  return kept.map((e): SpecProblem => {
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required':
        return {
          pointer: `${e.instancePath}/${escapePointer(String(params['missingProperty']))}`,
          message: `missing required field '${String(params['missingProperty'])}'`,
        };
      case 'additionalProperties': {
        const key = String(params['additionalProperty']);
        const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        return {
          pointer: `${e.instancePath}/${escapePointer(key)}`,
          message: `unknown field '${key}': allowed fields are ${known.join(', ')}`,
          value: (e.data as Record<string, unknown>)[key],
        };
      }
      case 'enum': {
        const what = e.instancePath.endsWith('/transform')
          ? 'unknown transform'
          : e.instancePath.endsWith('/model')
            ? 'unknown graph model'
            : 'invalid value';
        return {
          pointer: e.instancePath,
          message: `${what}: must be one of ${listAllowed(params['allowedValues'] as unknown[])}`,
          value: e.data,
        };
      }
      case 'const':
        return {
          pointer: e.instancePath,
          message: `must be ${JSON.stringify(params['allowedValue'])}`,
          value: e.data,
        };
      case 'anyOf':
        return {
          pointer: e.instancePath,
          message: "must be a node id (an integer >= 0) or 'input'",
          value: e.data,
        };
      case 'pattern':
        return {
          pointer: e.instancePath,
          message: 'must be lowercase letters and digits, starting with a letter (it prefixes layer names)',
          value: e.data,
        };
      default:
        return { pointer: e.instancePath, message: e.message ?? e.keyword, value: e.data };
    }
  });
}

// Defensive accessors: the semantic checks run on documents that may be structurally broken.
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const get = (o: unknown, k: string): unknown => (isObj(o) ? o[k] : undefined);
const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function checkNames(doc: Obj, out: SpecProblem[]): void {
  const seen = new Map<string, string>();
  const visit = (list: unknown[], base: string) => {
    list.forEach((item, i) => {
      const name = get(item, 'name');
      if (typeof name !== 'string') return;
      const pointer = `${base}/${i}/name`;
      if (RESERVED_NAMES.includes(name)) {
        out.push({
          pointer,
          message: `reserved name: must not be one of ${RESERVED_NAMES.join(', ')}`,
          value: name,
        });
      }
      const first = seen.get(name);
      if (first) out.push({ pointer, message: `duplicate name: already used at ${first}`, value: name });
      else seen.set(name, pointer);
    });
  };
  visit(arr(doc['stem']), '/stem');
  visit(arr(doc['stages']), '/stages');
}

function checkStage(stage: unknown, base: string, out: SpecProblem[]): void {
  const nodes = arr(get(stage, 'nodes'));
  const n = nodes.length;
  const downsample = get(stage, 'downsample') === true;
  const hasSuccessor: Array<number | undefined> = new Array(n).fill(undefined);
  let inputFed = 0;
  nodes.forEach((node, j) => {
    const at = `${base}/nodes/${j}`;
    const id = get(node, 'id');
    if (int(id) !== undefined && id !== j) {
      out.push({
        pointer: `${at}/id`,
        message: `node ids must be 0..${n - 1} in list order: expected ${j}`,
        value: id,
      });
    }
    const inputs = get(node, 'inputs');
    if (!Array.isArray(inputs)) return;
    if (inputs.length === 0) {
      out.push({
        pointer: `${at}/inputs`,
        message: `node ${j} has no inputs, so it is unreachable from the stage input: a node of in-degree 0 takes ["input"]`,
        value: inputs,
      });
      return;
    }
    const fromInput = inputs.includes('input');
    if (fromInput && inputs.length > 1) {
      out.push({
        pointer: `${at}/inputs`,
        message: `"input" must be the only entry: the stage input feeds exactly the nodes of in-degree 0`,
        value: inputs,
      });
    }
    let previous = -1;
    inputs.forEach((x, k) => {
      if (int(x) === undefined) return;
      const v = x as number;
      const pointer = `${at}/inputs/${k}`;
      if (v >= n) {
        out.push({
          pointer,
          message: `edge from node ${v}, which does not exist: the stage has nodes 0..${n - 1}`,
          value: v,
        });
      } else if (v >= j) {
        out.push({
          pointer,
          message: `edge from node ${v} into node ${j} does not go from a smaller to a larger id: inputs must be smaller ids (DAG index order), otherwise the wiring can contain a cycle`,
          value: v,
        });
      } else {
        hasSuccessor[v] ??= j;
      }
      if (v <= previous) {
        out.push({
          pointer,
          message: `inputs must be strictly ascending: ${v} follows ${previous}`,
          value: v,
        });
      }
      previous = Math.max(previous, v);
    });
    const stride = get(node, 'stride');
    const isInputFed = fromInput && inputs.length === 1;
    if (isInputFed) inputFed++;
    const expected = isInputFed && downsample ? 2 : 1;
    if ((stride === 1 || stride === 2) && stride !== expected) {
      out.push({
        pointer: `${at}/stride`,
        message: isInputFed
          ? `a node fed by the stage input must have stride ${expected} because the stage has downsample: ${downsample}`
          : 'only nodes fed by the stage input may have stride 2 (that is where a stage halves resolution): must be 1',
        value: stride,
      });
    }
  });

  const outputs = get(stage, 'outputs');
  if (Array.isArray(outputs)) {
    let previous = -1;
    outputs.forEach((o, k) => {
      if (int(o) === undefined) return;
      const v = o as number;
      const pointer = `${base}/outputs/${k}`;
      if (v >= n) {
        out.push({
          pointer,
          message: `output node ${v} does not exist: the stage has nodes 0..${n - 1}`,
          value: v,
        });
      } else if (hasSuccessor[v] !== undefined) {
        out.push({
          pointer,
          message: `node ${v} is not a sink (it feeds node ${hasSuccessor[v]}): outputs must be exactly the nodes of out-degree 0`,
          value: v,
        });
      }
      if (v <= previous)
        out.push({
          pointer,
          message: `outputs must be strictly ascending: ${v} follows ${previous}`,
          value: v,
        });
      previous = Math.max(previous, v);
    });
    for (let j = 0; j < n; j++) {
      if (hasSuccessor[j] === undefined && !outputs.includes(j)) {
        out.push({
          pointer: `${base}/outputs`,
          message: `node ${j} does not reach the stage output: it has no successors, so outputs must list it`,
          value: outputs,
        });
      }
    }
  }

  const graph = get(stage, 'graph');
  const model = get(graph, 'model');
  const params = get(graph, 'params');
  const wanted = typeof model === 'string' ? GRAPH_PARAMS[model] : undefined;
  if (wanted && isObj(params)) {
    const keys = Object.keys(params).sort();
    if (keys.join(',') !== [...wanted].sort().join(',')) {
      out.push({
        pointer: `${base}/graph/params`,
        message: `graph model ${model} takes ${wanted.length === 0 ? 'no parameters' : `exactly ${wanted.join(', ')}`}`,
        value: params,
      });
    }
  }

  const cin = int(get(stage, 'inChannels'));
  const c = int(get(stage, 'channels'));
  if (get(stage, 'transform') === 'depthwise-3x3' && cin && c && inputFed > 0 && c % cin !== 0) {
    out.push({
      pointer: `${base}/channels`,
      message: `depthwise-3x3 needs an integer depth multiplier at the nodes fed by the stage input: channels must be a multiple of inChannels (${cin})`,
      value: c,
    });
  }
}

function checkSemantics(doc: Obj, out: SpecProblem[]): void {
  const input = doc['input'];
  const channels = int(get(input, 'channels'));
  for (const key of ['mean', 'std'] as const) {
    const v = get(input, key);
    if (Array.isArray(v) && channels !== undefined && v.length !== channels) {
      out.push({
        pointer: `/input/${key}`,
        message: `must have one entry per input channel (${channels})`,
        value: v,
      });
    }
  }
  const classes = int(doc['classes']);
  const headClasses = int(get(doc['head'], 'classes'));
  if (classes !== undefined && headClasses !== undefined && classes !== headClasses) {
    out.push({
      pointer: '/head/classes',
      message: `must equal the network's classes (${classes})`,
      value: headClasses,
    });
  }
  checkNames(doc, out);

  // The channel chain: input → stem units → stages → head.
  let previous = channels;
  let from = '/input/channels';
  arr(doc['stem']).forEach((unit, i) => {
    const cin = int(get(unit, 'inChannels'));
    if (cin !== undefined && previous !== undefined && cin !== previous) {
      out.push({ pointer: `/stem/${i}/inChannels`, message: `must equal ${from} (${previous})`, value: cin });
    }
    previous = int(get(unit, 'channels'));
    from = `/stem/${i}/channels`;
  });
  arr(doc['stages']).forEach((stage, i) => {
    const cin = int(get(stage, 'inChannels'));
    if (cin !== undefined && previous !== undefined && cin !== previous) {
      out.push({
        pointer: `/stages/${i}/inChannels`,
        message: `must equal ${from} (${previous})`,
        value: cin,
      });
    }
    checkStage(stage, `/stages/${i}`, out);
    previous = int(get(stage, 'channels'));
    from = `/stages/${i}/channels`;
  });
  const headIn = int(get(doc['head'], 'inChannels'));
  if (headIn !== undefined && previous !== undefined && headIn !== previous) {
    out.push({ pointer: '/head/inChannels', message: `must equal ${from} (${previous})`, value: headIn });
  }
}

/** The pointer of the first value nested deeper than `max` levels (the document itself is
 * level 0), or null. Iterative: safe on any depth JSON.parse accepts. */
function tooDeep(json: unknown, max: number): string | null {
  const stack: Array<[unknown, string, number]> = [[json, '', 0]];
  while (stack.length > 0) {
    const [v, pointer, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return pointer;
    const entries: Array<[string, unknown]> = Array.isArray(v)
      ? v.map((child, k) => [String(k), child])
      : Object.entries(v).map(([k, child]) => [escapePointer(k), child]);
    for (const [k, child] of entries) stack.push([child, `${pointer}/${k}`, depth + 1]);
  }
  return null;
}

/** Entries of every node's inputs over all stages (edges, including those from "input"). */
function edgeCount(doc: Obj): number {
  let edges = 0;
  for (const stage of arr(doc['stages'])) {
    for (const node of arr(get(stage, 'nodes'))) edges += arr(get(node, 'inputs')).length;
  }
  return edges;
}

function checkSizes(spec: NetworkSpec, options: ValidateOptions, out: SpecProblem[]): void {
  const maxParams = options.maxParams ?? VALIDATE_DEFAULTS.maxParams;
  const maxBytes = options.maxActivationBytes ?? VALIDATE_DEFAULTS.maxActivationBytes;
  const cost = costOf(spec, { bytesPerElement: 4 });
  if (cost.total.params > maxParams) {
    out.push({
      pointer: '',
      message: `absurd size: ${cost.total.params} parameters exceed the bound of ${maxParams} (${(maxParams * 4) / 2 ** 30} GiB as float32)`,
      value: cost.total.params,
    });
  }
  if (cost.total.activationBytes > maxBytes) {
    const big = cost.layers.reduce((a, l) => (l.activations > a.activations ? l : a));
    out.push({
      pointer: '',
      message: `absurd size: activations of one image take ${cost.total.activationBytes} bytes, beyond the bound of ${maxBytes} bytes (largest layer: ${big.name}, ${big.shape.join('×')})`,
      value: cost.total.activationBytes,
    });
  }
}

/** Checks a parsed JSON document against the schema and every semantic rule. */
export function validateSpec(json: unknown, options: ValidateOptions = {}): ValidateResult {
  const deep = tooDeep(json, SCHEMA_LIMITS.maxDepth);
  if (deep !== null) {
    const message = `nested deeper than ${SCHEMA_LIMITS.maxDepth} levels (a spec nests 7): not a spec`;
    return { ok: false, problems: [{ pointer: deep, message }] };
  }
  if (!isObj(json)) {
    return { ok: false, problems: [{ pointer: '', message: 'a spec must be a JSON object', value: json }] };
  }
  if (json['format'] !== SPEC_FORMAT) {
    const problem: SpecProblem = { pointer: '/format', message: `unknown format: must be "${SPEC_FORMAT}"` };
    if ('format' in json) problem.value = json['format'];
    else problem.message = `missing required field 'format' (must be "${SPEC_FORMAT}")`;
    return { ok: false, problems: [problem] };
  }
  const version = json['version'];
  if (version !== SPEC_VERSION) {
    const newer = typeof version === 'number' && version > SPEC_VERSION;
    return {
      ok: false,
      problems: [
        {
          pointer: '/version',
          message: newer
            ? `unsupported version: this reader (${LIBRARY_NAME} ${LIBRARY_VERSION}) reads version ${SPEC_VERSION} only; upgrade ${LIBRARY_NAME} to read it`
            : `unknown version: must be ${SPEC_VERSION}`,
          value: version,
        },
      ],
    };
  }
  const validate = schemaValidator();
  const problems = validate(json) ? [] : fromAjv(validate.errors ?? []);
  const edges = edgeCount(json);
  if (edges > SCHEMA_LIMITS.maxEdges) {
    problems.push({
      pointer: '/stages',
      message: `too many edges: the stages' inputs hold ${edges} entries, beyond the bound of ${SCHEMA_LIMITS.maxEdges}`,
    });
  }
  checkSemantics(json, problems);
  if (problems.length === 0) checkSizes(json as unknown as NetworkSpec, options, problems);
  return problems.length === 0 ? { ok: true, spec: json as unknown as NetworkSpec } : { ok: false, problems };
}

/** Parses and validates spec text; throws `SpecParseError` (not JSON) or
 * `SpecValidationError` (listing every problem). `source` names the file in messages. */
export function parseSpec(text: string, source?: string, options: ValidateOptions = {}): NetworkSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SpecParseError(
      `@randwire/spec/parse: ${source ?? 'the input'} is not JSON: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  const result = validateSpec(json, options);
  if (!result.ok) throw new SpecValidationError(result.problems, source);
  return result.spec;
}
