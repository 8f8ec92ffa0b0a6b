// The bounds the CLI checks from its arguments alone, before any work starts (no graph drawn,
// no file decoded, no tensor allocated), each refused with one line naming the option or
// file, the value and the limit. The packages bound what they build themselves
// (@randwire/graphs MAX_EDGES, @randwire/spec SCHEMA_LIMITS, @randwire/datasets IMAGE_LIMITS);
// the limits here are the CLI's: what a command can finish in seconds on a small machine.
import { freemem } from 'node:os';
import { expectedEdges, type GraphModelName, type GraphParams } from '@randwire/graphs';
import type { NetworkSpec } from '@randwire/spec';
import { UserError } from './cli';
import { loadSpec } from './lazy-packages';

export const CLI_LIMITS = Object.freeze({
  /** `randwire graph`: edges of the printed DAG, estimated as the model's edges (ER: expected)
   * plus at most 2 per node (to the input and from the output node). At the limit: 6-15 s and
   * 0.5-0.7 GB on the (heavily loaded) 2-core reference machine. */
  graphEdges: 500_000,
  /** Size of a spec file (a spec at @randwire/spec's maxEdges takes ~11 MB). */
  specBytes: 64 * 2 ** 20,
  /** `randwire render`: pixels of a PNG (width × height after --scale). */
  pngPixels: 2 ** 26,
  /** `randwire predict`: images per N-M range (one line each; `randwire eval` scores whole sets). */
  predictImages: 10_000,
});

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/** Refuses a `randwire graph` request whose DAG is estimated above CLI_LIMITS.graphEdges. */
export function checkGraphSize(
  command: string,
  model: GraphModelName,
  nodes: number,
  params: GraphParams,
): void {
  const internal = expectedEdges(model, nodes, params);
  const estimate = internal + 2 * nodes;
  if (estimate > CLI_LIMITS.graphEdges) {
    const flags = Object.entries(params)
      .map(([k, v]) => ` --${k} ${v}`)
      .join('');
    throw new UserError(
      `randwire ${command}: --model ${model} --nodes ${nodes}${flags} is too large: about ${fmt(estimate)} edges (${fmt(internal)}${model === 'er' ? ' expected' : ''} between nodes, up to ${fmt(2 * nodes)} to the input/output nodes), above the limit of ${fmt(CLI_LIMITS.graphEdges)}`,
    );
  }
}

/** Memory a training run needs, estimated from the spec's cost model (calibrated against the
 * peak RSS of runs on both engines, which it exceeds by 2-57 %; limits.test.ts, apps/cli/README.md). */
export const TRAINING_MEMORY = Object.freeze({
  /** Node, TensorFlow.js (wasm), onnxruntime and the data set. */
  baseBytes: 400 * 2 ** 20,
  /** Per parameter: float32 weights, gradients and momentum, and the engines' copies of them. */
  bytesPerParam: 48,
  /** Float32 copies of every layer output kept per training image: forward values for the
   * backward pass, their gradients, workspace. */
  copiesPerImage: 5,
  /** Per entry of each evaluation's confusion matrix (classes × classes JS numbers). */
  bytesPerConfusionEntry: 8,
});

export interface TrainingMemoryEstimate {
  bytes: number;
  params: number;
  paramBytes: number;
  activationBytes: number;
  /** The evaluation's confusion matrix (0 without evaluation). */
  evalBytes: number;
}

/** The estimate for `batchSize` training images per step and `evalBatch` evaluation images
 * (0: no evaluation). */
export function trainingMemory(
  spec: NetworkSpec,
  batchSize: number,
  evalBatch: number,
): TrainingMemoryEstimate {
  const m = TRAINING_MEMORY;
  const { params, activationBytes: perImage } = loadSpec().costOf(spec, { bytesPerElement: 4 }).total;
  const paramBytes = params * m.bytesPerParam;
  const activationBytes = perImage * Math.max(m.copiesPerImage * batchSize, evalBatch);
  const evalBytes = evalBatch > 0 ? spec.classes ** 2 * m.bytesPerConfusionEntry : 0;
  return {
    bytes: m.baseBytes + paramBytes + activationBytes + evalBytes,
    params,
    paramBytes,
    activationBytes,
    evalBytes,
  };
}

/** Memory the process may still use (cgroup limits included where node knows them); tests
 * replace it. */
export const memory = {
  available: (): number => process.availableMemory?.() ?? freemem(),
};

/** Refuses a training run estimated to need more memory than is available, unless `force`
 * (then says so on stderr). `source` names the spec (file or run directory). */
export function checkTrainingMemory(
  command: string,
  source: string,
  spec: NetworkSpec,
  batchSize: number,
  evalBatch: number,
  force: boolean,
  warn: (line: string) => void,
): void {
  const e = trainingMemory(spec, batchSize, evalBatch);
  const available = memory.available();
  if (e.bytes <= available) return;
  const what = `${source} needs an estimated ${gib(e.bytes)} to train at --batch-size ${batchSize} (${fmt(e.params)} parameters: ${gib(e.paramBytes)}; activations: ${gib(e.activationBytes)}${e.evalBytes >= 2 ** 29 ? `; ${fmt(spec.classes)}² confusion matrix: ${gib(e.evalBytes)}` : ''}), above the ${gib(available)} of memory available`;
  if (force) {
    warn(`warning: ${what}; training anyway (--force-memory)`);
    return;
  }
  throw new UserError(
    `randwire ${command}: ${what}: lower --batch-size or the network's size, or pass --force-memory to train anyway`,
  );
}
