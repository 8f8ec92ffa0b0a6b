// Running an ONNX model in onnxruntime-node: CPU, or CUDA only where its provider is bundled.
import * as ort from 'onnxruntime-node';
import { OnnxRuntimeError } from './errors';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';
export type ExecutionProviderChoice = 'auto' | 'cpu' | 'cuda';

export interface RunOnnxOptions {
  /** Images per onnxruntime call; inputs are split into chunks of this size. */
  batch?: number;
  /** intraOpNumThreads; 0 lets onnxruntime choose (one per core). */
  threads?: number;
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** 'auto': CUDA when onnxruntime-node lists it as bundled, else CPU. */
  executionProvider?: ExecutionProviderChoice;
}

export const RUN_DEFAULTS = Object.freeze({
  batch: 32,
  threads: 0,
  graphOptimizationLevel: 'all' as GraphOptimizationLevel,
  executionProvider: 'auto' as ExecutionProviderChoice,
});

/** A float32 NCHW batch. */
export interface NchwInput {
  data: Float32Array;
  shape: [number, number, number, number];
}

/** Output name → data, concatenated over chunks, with its dims ([count, ...]). */
export type OnnxOutputs = Record<string, { data: Float32Array; dims: number[] }>;

/** Whether onnxruntime-node here ships the CUDA provider. */
export function cudaAvailable(): boolean {
  return ort.listSupportedBackends().some((b) => b.name === 'cuda' && b.bundled);
}

const where = '@randwire/onnx/run-onnx';

/** An onnxruntime session with its options resolved; reuse it for repeated runs. */
export class OnnxSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly provider: 'cpu' | 'cuda',
    readonly options: Required<RunOnnxOptions>,
  ) {}

  static async create(model: Uint8Array | string, options: RunOnnxOptions = {}): Promise<OnnxSession> {
    const opts: Required<RunOnnxOptions> = {
      batch: options.batch ?? RUN_DEFAULTS.batch,
      threads: options.threads ?? RUN_DEFAULTS.threads,
      graphOptimizationLevel: options.graphOptimizationLevel ?? RUN_DEFAULTS.graphOptimizationLevel,
      executionProvider: options.executionProvider ?? RUN_DEFAULTS.executionProvider,
    };
    if (!Number.isInteger(opts.batch) || opts.batch < 1) {
      throw new OnnxRuntimeError(`${where}: invalid batch (${opts.batch}): must be an integer >= 1`);
    }
    if (!Number.isInteger(opts.threads) || opts.threads < 0) {
      throw new OnnxRuntimeError(
        `${where}: invalid threads (${opts.threads}): must be an integer >= 0 (0 = onnxruntime's choice)`,
      );
    }
    const cuda = cudaAvailable();
    if (opts.executionProvider === 'cuda' && !cuda) {
      throw new OnnxRuntimeError(
        `${where}: executionProvider 'cuda' requested, but onnxruntime-node here has no bundled CUDA provider: use 'cpu' or 'auto'`,
      );
    }
    const provider = opts.executionProvider === 'cpu' || !cuda ? 'cpu' : 'cuda';
    try {
      const session = await ort.InferenceSession.create(model as Uint8Array, {
        executionProviders: provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
        graphOptimizationLevel: opts.graphOptimizationLevel,
        ...(opts.threads > 0 ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
      });
      return new OnnxSession(session, provider, opts);
    } catch (e) {
      const what = typeof model === 'string' ? `'${model}'` : 'model bytes';
      throw new OnnxRuntimeError(`${where}: onnxruntime cannot load ${what}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }
  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs the model on an NCHW batch, `options.batch` images per call; returns `outputs`
   * (default: every output of the model). */
  async run(input: NchwInput, outputs: readonly string[] = this.session.outputNames): Promise<OnnxOutputs> {
    const [n, c, h, w] = input.shape;
    const per = c * h * w;
    if (input.data.length !== n * per) {
      throw new OnnxRuntimeError(
        `${where}: input has ${input.data.length} values, shape [${input.shape.join(', ')}] needs ${n * per}`,
      );
    }
    const inputName = this.session.inputNames[0]!;
    const parts: Record<string, { chunks: Float32Array[]; rest: number[] }> = {};
    for (let start = 0; start < n; start += this.options.batch) {
      const b = Math.min(this.options.batch, n - start);
      const tensor = new ort.Tensor('float32', input.data.subarray(start * per, (start + b) * per), [
        b,
        c,
        h,
        w,
      ]);
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await this.session.run({ [inputName]: tensor }, [...outputs]);
      } catch (e) {
        throw new OnnxRuntimeError(
          `${where}: onnxruntime run failed on input [${b}, ${c}, ${h}, ${w}]: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
      for (const name of outputs) {
        const t = result[name] as ort.Tensor;
        const slot = parts[name] ?? { chunks: [], rest: t.dims.slice(1).map(Number) };
        parts[name] = slot;
        slot.chunks.push(Float32Array.from(t.data as Float32Array));
        t.dispose?.();
      }
    }
    const out: OnnxOutputs = {};
    for (const [name, { chunks, rest }] of Object.entries(parts)) {
      const total = chunks.reduce((a, ch) => a + ch.length, 0);
      const data = new Float32Array(total);
      let off = 0;
      for (const ch of chunks) {
        data.set(ch, off);
        off += ch.length;
      }
      out[name] = { data, dims: [n, ...rest] };
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Loads a model (bytes or path), runs it on an NCHW batch and releases the session. */
export async function runOnnx(
  model: Uint8Array | string,
  input: NchwInput,
  options: RunOnnxOptions = {},
): Promise<OnnxOutputs> {
  const session = await OnnxSession.create(model, options);
  try {
    return await session.run(input);
  } finally {
    await session.release();
  }
}
