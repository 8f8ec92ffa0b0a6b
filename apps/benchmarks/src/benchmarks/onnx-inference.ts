// Inference images/s of one network: onnxruntime-node running @randwire/onnx's export
// (graph optimization 'all', 1 and 2 intra-op threads) against @randwire/tfjs's model on the
// wasm and cpu backends, and PyTorch (Debian's, CPU, 2 threads) building the same spec.
import { join } from 'node:path';
import { exportOnnx, OnnxSession, type WeightMap } from '@randwire/onnx';
import { generateSpec, type NetworkSpec } from '@randwire/spec';
import { buildModel, selectBackend } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { Benchmark, BenchmarkCase, BenchmarkContext, Reference, Variant } from '../harness';
import { PythonWorker, REFERENCE_DIR } from '../python-worker';

const BATCHES = [1, 32];
const ORT_THREADS = [1, 2];

const notes = [
  'One operation = one image; each iteration runs one batch (float32 input already normalized, NCHW for onnxruntime, NHWC for tfjs).',
  "onnxruntime-node 1.30, CPU provider, graphOptimizationLevel 'all', intraOpNumThreads as named (ort-t1, ort-t2), interOpNumThreads 1.",
  'tfjs 4.22: wasm (SIMD, no threads under Node) and cpu (plain JS; batch 1 only, batch 32 takes seconds per call).',
  'Weights: buildModel(spec, { seed: 0 }) initial weights exported with exportOnnx; speed does not depend on the values.',
  'Reference: PyTorch 1.13 (Debian), model built from the same spec (reference/torch_randwire.py), eval mode, no_grad, 2 threads.',
];

export function tfjsWeights(model: tf.LayersModel): WeightMap {
  return new Map(
    model.weights.map((w) => [
      w.originalName,
      { shape: [...w.shape] as number[], data: w.read().dataSync() as Float32Array },
    ]),
  );
}

let worker: PythonWorker | null = null;
const sessions: OnnxSession[] = [];
let tfModel: tf.LayersModel | null = null;

function specFor(quick: boolean): NetworkSpec {
  return quick
    ? generateSpec({ preset: 'mnist-small', seed: 0, nodes: 6, channels: 8, headChannels: 32 })
    : generateSpec({ preset: 'mnist-small', seed: 0 });
}

export const onnxInference: Benchmark = {
  name: 'onnx-inference',
  description:
    'Inference images/s: onnxruntime-node (exported model) vs tfjs wasm/cpu vs PyTorch, batch 1 and 32.',
  notes,
  async setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> {
    const spec = specFor(ctx.quick);
    const info = await selectBackend('wasm');
    const backends = ['wasm', 'cpu'].filter((b) => tf.engine().registryFactory[b] !== undefined);
    ctx.log(`onnx-inference: spec ${spec.name}; tfjs backends ${backends.join(', ')} (wasm: ${info.reason})`);
    tfModel = buildModel(spec, { seed: 0 });
    const model = tfModel;
    const bytes = exportOnnx(spec, tfjsWeights(model));
    const { height, width, channels } = spec.input;
    let reference: Reference | undefined;
    if (ctx.reference) {
      try {
        const started = await PythonWorker.start(join(REFERENCE_DIR, 'torch_randwire.py'));
        worker = started.worker;
        await worker.request({ op: 'load', key: 'onnx-inference', spec, threads: 2 });
      } catch (e) {
        reference = {
          name: 'pytorch',
          unavailable: `PyTorch reference did not start: ${(e as Error).message}`,
        };
      }
    } else {
      reference = { name: 'pytorch', unavailable: 'skipped (--no-reference)' };
    }
    const cases: BenchmarkCase[] = [];
    for (const batch of BATCHES) {
      const values = new Float32Array(batch * height * width * channels);
      for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 12.9898) * 1.5;
      const variants: Variant[] = [];
      for (const threads of ORT_THREADS) {
        const session = await OnnxSession.create(bytes, {
          batch,
          threads,
          graphOptimizationLevel: 'all',
          executionProvider: 'cpu',
        });
        sessions.push(session);
        const input = {
          data: values,
          shape: [batch, channels, height, width] as [number, number, number, number],
        };
        variants.push({
          name: `ort-t${threads}`,
          operationsPerIteration: batch,
          async run(iterations) {
            for (let i = 0; i < iterations; i++) await session.run(input);
          },
        });
      }
      for (const backend of backends) {
        if (backend === 'cpu' && batch > 1) continue;
        variants.push({
          name: `tfjs-${backend}`,
          operationsPerIteration: batch,
          async run(iterations) {
            if (tf.getBackend() !== backend) await tf.setBackend(backend);
            for (let i = 0; i < iterations; i++) {
              const x = tf.tensor4d(values, [batch, height, width, channels]);
              const ys = model.predict(x) as tf.Tensor[];
              await ys[0]!.data();
              tf.dispose([x, ...ys]);
            }
          },
        });
      }
      const w = worker;
      cases.push({
        name: `${spec.name} batch ${batch}`,
        params: { spec: spec.name, batch, input: [height, width, channels] },
        unit: 'img/s',
        variants,
        reference:
          reference ??
          (w
            ? {
                name: 'pytorch',
                async sample(seconds) {
                  const r = await w.request({
                    op: 'run',
                    key: 'onnx-inference',
                    mode: 'infer',
                    batch,
                    seconds,
                    min_ops: 1,
                  });
                  return {
                    operations: Number(r['operations']),
                    wallSeconds: Number(r['wall']),
                    cpuSeconds: Number(r['cpu']),
                  };
                },
              }
            : { name: 'pytorch', unavailable: 'not started' }),
      });
    }
    return cases;
  },
  async teardown() {
    for (const s of sessions.splice(0)) await s.release();
    tfModel?.dispose();
    tfModel = null;
    worker?.stop();
    worker = null;
  },
};
