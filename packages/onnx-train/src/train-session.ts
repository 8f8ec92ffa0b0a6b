// Training with onnxruntime-node: runs the training-step graph of train-graph.ts, keeping the
// parameters, momentum buffers and moving statistics between steps (tfjs layouts, spec names),
// so a caller can move them to and from a tfjs model or checkpoint at any time. Same recipe and
// semantics as @randwire/tfjs's TrainStep: uint8 NHWC images normalized by the spec, label
// smoothing, SGD momentum with coupled weight decay; a non-finite loss leaves every value as
// it was (`applied: false`). Drop-edge and dropout masks come from a TrainingNoiseSource
// (@randwire/tfjs's TrainingNoise fits), drawn per (seed, step, layer) exactly as the tfjs
// engine draws them.
import { availableParallelism } from 'node:os';
import { floatValueInfo, type GraphOptimizationLevel } from '@randwire/onnx';
import { HEAD_LAYERS, type NetworkSpec, parameterList } from '@randwire/spec';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { OnnxTrainError } from './errors';
import { buildTrainingGraph, type TrainGraph, type TrainGraphOptions } from './train-graph';
import { NCHWC_DOMAIN } from './train-graph-nchwc';

/** A named float32 array (tfjs layout), as checkpoints store weights and momentum buffers. */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Per-step training randomness, as @randwire/tfjs's TrainingNoise draws it (a TrainingNoise
 * is one): pure functions of (seed, step, layer name). */
export interface TrainingNoiseSource {
  /** Drop-edge probability; above 0 the training graph gets drop-edge mask inputs. */
  readonly dropEdgeRate: number;
  /** Index of the input edge `layer` (an aggregation) drops at `step`, or -1. */
  droppedInput(layer: string, inputs: number, step: number): number;
  /** Inverted-dropout multiplier of `count` units of `layer` at `step`. */
  dropoutMask(layer: string, count: number, rate: number, step: number): Float32Array;
}

export interface OnnxTrainOptions extends Omit<TrainGraphOptions, 'batchSize' | 'dropEdge' | 'blockSize'> {
  labelSmoothing: number;
  /** Drop-edge and dropout draws (needed for drop-edge and for a spec with head dropout). */
  noise?: TrainingNoiseSource;
  /** intraOpNumThreads (default: every core). */
  threads?: number;
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Activation layout of the graph: onnxruntime's blocked NCHWc kernels (`nchwc`, the default
   * `auto` when this onnxruntime has them) or plain NCHW with standard ONNX ops only. */
  layout?: OnnxTrainLayout;
  /** onnxruntime's memory pattern (one planned block for all of a run's tensors, default
   * false): a few percent faster on small networks, but its plan of a training step holds
   * about twice the memory of the arena's reuse (configuration B, batch 64: 2.7 vs 1.5 GiB). */
  memoryPattern?: boolean;
  /** Profile every run with onnxruntime's profiler into files starting with this path
   * (`endProfiling()` writes them). */
  profile?: string;
}

export const ONNX_TRAIN_LAYOUTS = ['auto', 'nchwc', 'nchw'] as const;
export type OnnxTrainLayout = (typeof ONNX_TRAIN_LAYOUTS)[number];

export const ONNX_TRAIN_DEFAULTS = Object.freeze({
  momentum: 0.9,
  nesterov: false,
  weightDecay: 5e-5,
  labelSmoothing: 0.1,
  graphOptimizationLevel: 'all' as GraphOptimizationLevel,
  layout: 'auto' as OnnxTrainLayout,
});

let blockSize: Promise<number> | null = null;

/** Channels per block of this onnxruntime's NCHWc kernels (MLAS: 16 with AVX-512, 8 with AVX),
 * read from what ReorderInput makes of 4 channels; 0 when it has none. */
export function nchwcBlockSize(): Promise<number> {
  blockSize ??= (async () => {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [
        { domain: '', version: 17 },
        { domain: NCHWC_DOMAIN, version: 1 },
      ],
      graph: {
        name: 'nchwc-probe',
        node: [{ opType: 'ReorderInput', domain: NCHWC_DOMAIN, input: ['x'], output: ['y'] }],
        input: [floatValueInfo('x', [1, 4, 1, 1], 'probe')],
        output: [floatValueInfo('y', [1, 'c', 1, 1], 'probe')],
      },
    });
    try {
      const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish());
      const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4, 1, 1]) });
      await session.release();
      const c = out['y']!.dims[1]!;
      return c >= 4 && c % 4 === 0 ? c : 0;
    } catch {
      return 0;
    }
  })();
  return blockSize;
}

export interface OnnxStepResult {
  /** Mean (label-smoothed) loss of the batch, before the update. */
  loss: number;
  /** Examples classified correctly (before the update). */
  correct: number;
  /** False when the loss was not finite (nothing was updated). */
  applied: boolean;
}

const WHERE = '@randwire/onnx-train/train-session';

interface Compiled {
  graph: TrainGraph;
  session: ort.InferenceSession;
  /** Preallocated outputs. */
  loss: ort.Tensor;
  logits: ort.Tensor;
}

export class OnnxTrainStep {
  /** Parameters and momentum buffers by graph input name, and as many spare buffers, which the
   * next step writes. */
  private values = new Map<string, ort.Tensor>();
  private spare = new Map<string, ort.Tensor>();
  private readonly compiled = new Map<number, Compiled>();
  readonly threads: number;

  private constructor(
    readonly spec: NetworkSpec,
    readonly options: Readonly<OnnxTrainOptions>,
    /** NCHWc channels per block of the graph, 0 for plain NCHW. */
    readonly blockSize: number,
  ) {
    this.threads = options.threads ?? availableParallelism();
  }

  /** Starts from `weights` (every parameter of the spec, tfjs layout); momentum buffers are 0. */
  static async create(
    spec: NetworkSpec,
    weights: readonly NamedArray[],
    options: Partial<OnnxTrainOptions> = {},
    batchSize?: number,
  ): Promise<OnnxTrainStep> {
    const o: OnnxTrainOptions = {
      momentum: options.momentum ?? ONNX_TRAIN_DEFAULTS.momentum,
      nesterov: options.nesterov ?? ONNX_TRAIN_DEFAULTS.nesterov,
      weightDecay: options.weightDecay ?? ONNX_TRAIN_DEFAULTS.weightDecay,
      labelSmoothing: options.labelSmoothing ?? ONNX_TRAIN_DEFAULTS.labelSmoothing,
      graphOptimizationLevel: options.graphOptimizationLevel ?? ONNX_TRAIN_DEFAULTS.graphOptimizationLevel,
      layout: options.layout ?? ONNX_TRAIN_DEFAULTS.layout,
      ...(options.threads != null ? { threads: options.threads } : {}),
      ...(options.noise != null ? { noise: options.noise } : {}),
      ...(options.memoryPattern != null ? { memoryPattern: options.memoryPattern } : {}),
      ...(options.profile != null ? { profile: options.profile } : {}),
    };
    if (spec.head.dropout > 0 && o.noise === undefined) {
      throw new OnnxTrainError(
        `${WHERE}: spec '${spec.name}' has head.dropout ${spec.head.dropout}: options.noise must give the dropout masks (e.g. @randwire/tfjs's TrainingNoise)`,
      );
    }
    if (!ONNX_TRAIN_LAYOUTS.includes(o.layout!)) {
      throw new OnnxTrainError(
        `${WHERE}: invalid layout (${String(o.layout)}): must be one of ${ONNX_TRAIN_LAYOUTS.join(', ')}`,
      );
    }
    if (o.threads !== undefined && (!Number.isInteger(o.threads) || o.threads < 1)) {
      throw new OnnxTrainError(`${WHERE}: invalid threads (${o.threads}): must be an integer >= 1`);
    }
    const bs = o.layout === 'nchw' ? 0 : await nchwcBlockSize();
    if (o.layout === 'nchwc' && bs === 0) {
      throw new OnnxTrainError(
        `${WHERE}: layout 'nchwc': this onnxruntime has no NCHWc kernels (use 'auto' or 'nchw')`,
      );
    }
    const step = new OnnxTrainStep(spec, Object.freeze(o), bs);
    step.setWeights(weights, 'initial weights');
    step.setMomentum(
      parameterList(spec)
        .filter((p) => p.trainable)
        .map((p) => ({ name: p.name, shape: p.shape, values: new Float32Array(size(p.shape)) })),
      'initial momentum',
    );
    if (batchSize !== undefined) await step.compile(batchSize);
    return step;
  }

  private async compile(batchSize: number): Promise<Compiled> {
    let c = this.compiled.get(batchSize);
    if (c) return c;
    const { noise, ...options } = this.options;
    const graph = buildTrainingGraph(this.spec, {
      ...options,
      batchSize,
      blockSize: this.blockSize,
      dropEdge: (noise?.dropEdgeRate ?? 0) > 0,
    });
    const bytes = onnx.ModelProto.encode(graph.model).finish();
    try {
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: this.options.graphOptimizationLevel ?? 'all',
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        enableMemPattern: this.options.memoryPattern ?? false,
        ...(this.options.profile ? { enableProfiling: true, profileFilePrefix: this.options.profile } : {}),
      });
      c = { graph, session, loss: zeros([]), logits: zeros([batchSize, this.spec.classes]) };
    } catch (e) {
      throw new OnnxTrainError(
        `${WHERE}: onnxruntime cannot load the training graph of '${this.spec.name}' (batch ${batchSize}): ${(e as Error).message}`,
        { cause: e },
      );
    }
    this.compiled.set(batchSize, c);
    return c;
  }

  /** One SGD step on `size` uint8 NHWC images with learning rate `lr`; `step` (the global step
   * index) selects the drop-edge and dropout draws of options.noise. The images and labels go
   * to onnxruntime as they are (normalized and one-hot inside the graph); the new weights and
   * momentum buffers are written in place into the spare set of buffers, which then becomes
   * the current one (no copies, no allocations per step). */
  async run(
    images: Uint8Array,
    labels: Uint8Array,
    size: number,
    lr: number,
    step?: number,
  ): Promise<OnnxStepResult> {
    const { height, width, channels } = this.spec.input;
    const classes = this.spec.classes;
    if (labels.length < size) {
      throw new OnnxTrainError(`${WHERE}: ${labels.length} labels for a batch of ${size}`);
    }
    const pixels = size * height * width * channels;
    if (images.length < pixels) {
      throw new OnnxTrainError(
        `${WHERE}: ${images.length} bytes of images for a batch of ${size} (${pixels})`,
      );
    }
    for (let i = 0; i < size; i++) {
      const y = labels[i]!;
      if (y >= classes) throw new OnnxTrainError(`${WHERE}: label ${y} at index ${i}: must be < ${classes}`);
    }
    const c = await this.compile(size);
    const { graph } = c;
    const feeds: Record<string, ort.Tensor> = {
      [graph.inputs.image]: new ort.Tensor('uint8', images.subarray(0, pixels), [
        size,
        height,
        width,
        channels,
      ]),
      [graph.inputs.labels]: new ort.Tensor('uint8', labels.subarray(0, size), [size]),
      [graph.inputs.lr]: new ort.Tensor('float32', new Float32Array([lr]), []),
    };
    const fetches: Record<string, ort.Tensor> = {
      [graph.outputs.loss]: c.loss,
      [graph.outputs.logits]: c.logits,
    };
    for (const p of graph.parameters) {
      feeds[p.input] = this.values.get(p.input)!;
      fetches[p.output] = this.spare.get(p.input)!;
      if (p.momentumInput && p.momentumOutput) {
        feeds[p.momentumInput] = this.values.get(p.momentumInput)!;
        fetches[p.momentumOutput] = this.spare.get(p.momentumInput)!;
      }
    }
    Object.assign(feeds, this.maskFeeds(graph, size, step));
    try {
      await c.session.run(feeds, fetches);
    } catch (e) {
      throw new OnnxTrainError(`${WHERE}: onnxruntime failed on a training step: ${(e as Error).message}`, {
        cause: e,
      });
    }
    const loss = (c.loss.data as Float32Array)[0]!;
    const logits = c.logits.data as Float32Array;
    let correct = 0;
    for (let i = 0; i < size; i++) {
      let best = 0;
      for (let k = 1; k < classes; k++) if (logits[i * classes + k]! > logits[i * classes + best]!) best = k;
      if (best === labels[i]) correct++;
    }
    const applied = Number.isFinite(loss);
    if (applied) [this.values, this.spare] = [this.spare, this.values];
    return { loss, correct, applied };
  }

  /** The drop-edge and dropout masks of `step` for the graph's mask inputs. */
  private maskFeeds(graph: TrainGraph, size: number, step: number | undefined): Record<string, ort.Tensor> {
    const { dropout, dropEdge } = graph.masks;
    if (dropout === null && dropEdge.length === 0) return {};
    const noise = this.options.noise;
    if (noise === undefined || step === undefined || !Number.isSafeInteger(step) || step < 0) {
      throw new OnnxTrainError(
        `${WHERE}: invalid step (${step}): a step with drop-edge or dropout needs options.noise and the step index, an integer >= 0`,
      );
    }
    const feeds: Record<string, ort.Tensor> = {};
    if (dropout !== null) {
      const channels = this.spec.head.channels;
      const mask = noise.dropoutMask(HEAD_LAYERS.dropout, size * channels, this.spec.head.dropout, step);
      feeds[dropout] = new ort.Tensor('float32', mask, [size, channels]);
    }
    for (const m of dropEdge) {
      const keep = new Float32Array(m.inputs).fill(1);
      const j = noise.droppedInput(m.layer, m.inputs, step);
      if (j >= 0) keep[j] = 0;
      feeds[m.input] = new ort.Tensor('float32', keep, [m.inputs]);
    }
    return feeds;
  }

  /** Every parameter (trainable and moving statistics), parameterList order, copies. */
  weights(): NamedArray[] {
    return parameterList(this.spec).map((p) => ({
      name: p.name,
      shape: p.shape.slice(),
      values: Float32Array.from(this.values.get(p.name)!.data as Float32Array),
    }));
  }

  /** Replaces every parameter's value (all must be present with their shapes). */
  setWeights(weights: readonly NamedArray[], source: string): void {
    this.setNamed(weights, parameterList(this.spec), (n) => n, source, 'weight');
  }

  /** The momentum buffers of the trainable parameters (parameterList order), copies. */
  momentum(): NamedArray[] {
    return parameterList(this.spec)
      .filter((p) => p.trainable)
      .map((p) => ({
        name: p.name,
        shape: p.shape.slice(),
        values: Float32Array.from(this.values.get(`${p.name}:momentum`)!.data as Float32Array),
      }));
  }

  setMomentum(state: readonly NamedArray[], source: string): void {
    this.setNamed(
      state,
      parameterList(this.spec).filter((p) => p.trainable),
      (n) => `${n}:momentum`,
      source,
      'momentum buffer',
    );
  }

  private setNamed(
    arrays: readonly NamedArray[],
    expected: ReturnType<typeof parameterList>,
    key: (name: string) => string,
    source: string,
    what: string,
  ): void {
    const byName = new Map(arrays.map((a) => [a.name, a]));
    const next = new Map<string, ort.Tensor>();
    for (const p of expected) {
      const a = byName.get(p.name);
      if (!a) throw new OnnxTrainError(`${source}: missing ${what} '${p.name}'`);
      if (a.shape.join(',') !== p.shape.join(',') || a.values.length !== size(p.shape)) {
        throw new OnnxTrainError(
          `${source}: ${what} '${p.name}' has shape [${a.shape}], the spec needs [${p.shape}]`,
        );
      }
      next.set(key(p.name), new ort.Tensor('float32', Float32Array.from(a.values), p.shape));
    }
    if (byName.size !== expected.length) {
      const known = new Set(expected.map((p) => p.name));
      const extra = [...byName.keys()].filter((n) => !known.has(n));
      throw new OnnxTrainError(
        `${source}: ${what}s the spec '${this.spec.name}' does not have: ${extra.slice(0, 5).join(', ')}`,
      );
    }
    for (const [k, v] of next) {
      this.values.set(k, v);
      if (!this.spare.has(k)) this.spare.set(k, zeros(v.dims as number[]));
    }
  }

  /** Ends onnxruntime's profiling (option `profile`): writes the profile files. */
  endProfiling(): void {
    for (const c of this.compiled.values()) c.session.endProfiling();
  }

  async dispose(): Promise<void> {
    for (const c of this.compiled.values()) await c.session.release();
    this.compiled.clear();
  }
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function zeros(shape: number[]): ort.Tensor {
  return new ort.Tensor('float32', new Float32Array(size(shape)), shape);
}
