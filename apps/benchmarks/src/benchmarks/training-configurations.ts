// What the training, inference, ONNX, memory and scaling benchmarks share: configurations A
// and B of issue 6, the tfjs backends available here, fixed synthetic batches, and the
// PyTorch reference (reference/torch_randwire.py --worker) run on the same spec.
import { join } from 'node:path';
import { syntheticDataset } from '@randwire/datasets';
import { costOf, generateSpec, type NetworkSpec, type PresetName } from '@randwire/spec';
import { availableBackends, type BackendInfo, type BackendName, selectBackend } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { BenchmarkContext, ExternalSample, Reference } from '../harness';
import { PythonWorker, REFERENCE_DIR } from '../python-worker';

export interface Configuration {
  id: 'A' | 'B';
  preset: PresetName;
  /** 28×28×1, C=32, N=16 (A); 32×32×3, C=78, N=32 (B). */
  describe: string;
}

/** Issue 6's two fixed configurations (generateSpec({ preset, seed: 0 })), batch 64. */
export const CONFIGURATIONS: readonly Configuration[] = Object.freeze([
  { id: 'A', preset: 'mnist-small', describe: 'A (mnist-small: 28×28×1, C=32, N=16, WS(4, 0.75), seed 0)' },
  { id: 'B', preset: 'cifar-small', describe: 'B (cifar-small: 32×32×3, C=78, N=32, WS(4, 0.75), seed 0)' },
]);

export const BENCHMARK_BATCH = 64;

export function configurationSpec(c: Configuration): NetworkSpec {
  return generateSpec({ preset: c.preset, seed: 0 });
}

/** Multiply-adds and parameters per image, from @randwire/spec's cost model. */
export function specCost(spec: NetworkSpec): { multiplyAdds: number; params: number } {
  const t = costOf(spec).total;
  return { multiplyAdds: t.multiplyAdds, params: t.params };
}

/** `count` fixed synthetic uint8 images and labels for the spec's input (seeded). */
export function fixedBatch(spec: NetworkSpec, count: number): { images: Uint8Array; labels: Uint8Array } {
  const { height, width, channels } = spec.input;
  const ds = syntheticDataset({ count, height, width, channels, classes: spec.classes, seed: 0 });
  return { images: ds.images, labels: ds.labels };
}

/** The tfjs backends benchmarked here (wasm, cpu; the native ones when they load), best first. */
export function benchmarkBackends(): BackendName[] {
  return availableBackends();
}

const initialized = new Map<BackendName, BackendInfo>();

/** Makes `name` the active tfjs backend (initializing it, with its gradient kernels, once) and
 * returns what selectBackend said about it (threads, SIMD). */
export async function useBackend(name: BackendName): Promise<BackendInfo> {
  let info = initialized.get(name);
  if (info == null) {
    info = await selectBackend(name);
    initialized.set(name, info);
  } else if (tf.getBackend() !== tfName(name)) {
    await tf.setBackend(tfName(name));
  }
  return info;
}

/** `wasm (1 thread, SIMD)`: how a backend is labelled in params. */
export function backendLabel(info: BackendInfo): string {
  return `${info.name} (${info.threads} thread${info.threads === 1 ? '' : 's'}${info.simd ? ', SIMD' : ''})`;
}

function tfName(name: BackendName): string {
  return name === 'node' || name === 'node-gpu' ? 'tensorflow' : name;
}

/** A PyTorch worker serving several specs (one `load` each). */
export class TorchReference {
  private readonly threads = new Map<string, number>();

  private constructor(
    private readonly worker: PythonWorker,
    /** e.g. `pytorch 1.13.0 cpu` (references add the key's thread count). */
    readonly name: string,
  ) {}

  /** Starts the worker, or returns why it cannot run (no python, no torch, --no-reference). */
  static async start(ctx: BenchmarkContext, who: string): Promise<TorchReference | string> {
    if (!ctx.reference) return 'disabled (--no-reference)';
    try {
      const { worker, info } = await PythonWorker.start(join(REFERENCE_DIR, 'torch_randwire.py'));
      const name = `pytorch ${String(info['torch'])} cpu`;
      ctx.log(`${who}: reference ${name} (python ${String(info['python'])})`);
      return new TorchReference(worker, name);
    } catch (e) {
      const why = `python3-torch not available (${(e as Error).message})`;
      ctx.log(`${who}: skipping the PyTorch reference: ${why}`);
      return why;
    }
  }

  /** Builds the spec in PyTorch under `key` (its runs use `threads` threads); returns its
   * parameter counts. */
  async load(
    key: string,
    spec: NetworkSpec,
    threads = 2,
  ): Promise<{ params: number; trainableParams: number }> {
    this.threads.set(key, threads);
    const a = await this.worker.request({ op: 'load', key, spec, threads });
    return { params: a['params'] as number, trainableParams: a['trainableParams'] as number };
  }

  /** A harness reference timing `mode` steps at `batch` (operations = images). */
  reference(key: string, mode: 'train' | 'infer', batch: number): Reference {
    const w = this.worker;
    const threads = this.threads.get(key) ?? 2;
    return {
      name: `${this.name} ${threads} thread${threads === 1 ? '' : 's'}`,
      async sample(seconds: number): Promise<ExternalSample> {
        const a = await w.request({ op: 'run', key, mode, batch, seconds, min_ops: 1 });
        return {
          operations: a['operations'] as number,
          wallSeconds: a['wall'] as number,
          cpuSeconds: a['cpu'] as number,
        };
      },
    };
  }

  /** Hands the key's model a data set for `loopReference`: raw uint8 NHWC images and labels
   * files (the worker keeps them in memory). */
  async data(key: string, images: string, labels: string, count: number): Promise<void> {
    await this.worker.request({ op: 'data', key, images, labels, count });
  }

  /** A harness reference running the worker's real training loop over the key's data at
   * `batch` (shuffle, gather, normalize, step, read back loss and accuracy; self-timed). */
  loopReference(key: string, batch: number): Reference {
    const w = this.worker;
    const threads = this.threads.get(key) ?? 2;
    return {
      name: `${this.name} ${threads} thread${threads === 1 ? '' : 's'} (training loop)`,
      async sample(seconds: number): Promise<ExternalSample> {
        const a = await w.request({ op: 'loop', key, batch, seconds, min_steps: 1 });
        return {
          operations: a['operations'] as number,
          wallSeconds: a['wall'] as number,
          cpuSeconds: a['cpu'] as number,
        };
      },
    };
  }

  stop(): void {
    this.worker.stop();
  }
}

/** The reference of a case: PyTorch when it runs, else why not. */
export function torchOr(
  torch: TorchReference | string,
  key: string,
  mode: 'train' | 'infer',
  batch: number,
): Reference {
  return typeof torch === 'string'
    ? { name: 'pytorch', unavailable: torch }
    : torch.reference(key, mode, batch);
}
