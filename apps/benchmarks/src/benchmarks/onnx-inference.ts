// Inference images/s of configurations A and B (issue 6): onnxruntime-node running
// @randwire/onnx's export (graph optimization 'all', 1 and 2 intra-op threads) against
// @randwire/tfjs's model on the wasm and cpu backends, and PyTorch eager (Debian's, CPU,
// 2 threads) building the same spec.
import { buildOnnxModel, exportOnnx, OnnxSession, type WeightMap } from '@randwire/onnx';
import { generateSpec, type NetworkSpec } from '@randwire/spec';
import { buildModel } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { Benchmark, BenchmarkCase, BenchmarkContext, Variant } from '../harness';
import {
  backendLabel,
  benchmarkBackends,
  CONFIGURATIONS,
  configurationSpec,
  specCost,
  TorchReference,
  torchOr,
  useBackend,
} from './training-configurations';

const BATCHES = [1, 32, 64];
const QUICK_BATCHES = [1, 32];
const ORT_THREADS = [1, 2];
/** `padChannels` of the extra onnxruntime variants (`ort-t1-pad16`, `ort-t2-pad16`). */
const PAD_BLOCK = 16;

const notes = [
  'One operation = one image; each iteration runs one batch (float32 input already normalized, NCHW for onnxruntime, NHWC for tfjs).',
  "onnxruntime-node 1.30, CPU provider, graphOptimizationLevel 'all', intraOpNumThreads as named (ort-t1, ort-t2), interOpNumThreads 1.",
  `ort-t1-pad${PAD_BLOCK} / ort-t2-pad${PAD_BLOCK}: the same weights exported with padChannels ${PAD_BLOCK} (every internal channel count zero-padded to a multiple of ${PAD_BLOCK}, same outputs), so MLAS can use its blocked NCHWc convolutions; params.paddedParameters counts that model's weights.`,
  `ort-t1-pad${PAD_BLOCK}-convadd / ort-t2-pad${PAD_BLOCK}-convadd: padded as above and exported with aggregation 'conv-add' (weighted sums as 1x1 depthwise Conv + Add chains, which onnxruntime keeps in NCHWc and fuses into the convs; same outputs).`,
  'tfjs 4.22: wasm (SIMD, no threads under Node) and cpu (plain JS; batch 1 only, batch 32 takes seconds per call).',
  'Weights: buildModel(spec, { seed: 0 }) initial weights (one model per tfjs backend) exported with exportOnnx; speed does not depend on the values.',
  'Full run: configurations A (mnist-small) and B (cifar-small), seed 0, batch 1, 32 and 64; --quick: a 6-node C=8 network at batch 1 and 32.',
  'Reference: PyTorch 1.13 (Debian), model built from the same spec (reference/torch_randwire.py), eval mode, no_grad, 2 threads; at batch 64 also 1 thread (same variants).',
];

export function tfjsWeights(model: tf.LayersModel): WeightMap {
  return new Map(
    model.weights.map((w) => [
      w.originalName,
      { shape: [...w.shape] as number[], data: w.read().dataSync() as Float32Array },
    ]),
  );
}

let torch: TorchReference | string = 'not started';
const sessions: OnnxSession[] = [];
const tfModels: tf.LayersModel[] = [];

/** --quick: one small network at batch 1 and 32; full: configurations A and B (training-configurations.ts) at batch 1, 32 and 64. */
function specsFor(quick: boolean): Array<{ key: string; spec: NetworkSpec }> {
  return quick
    ? [
        {
          key: 'quick',
          spec: generateSpec({ preset: 'mnist-small', seed: 0, nodes: 6, channels: 8, headChannels: 32 }),
        },
      ]
    : CONFIGURATIONS.map((c) => ({ key: c.id, spec: configurationSpec(c) }));
}

export const onnxInference: Benchmark = {
  name: 'onnx-inference',
  description:
    'Inference images/s of configurations A and B: onnxruntime-node (exported model) vs tfjs wasm/cpu vs PyTorch eager, batch 1, 32, 64.',
  notes,
  async setup(ctx: BenchmarkContext): Promise<BenchmarkCase[]> {
    const specs = specsFor(ctx.quick);
    const backends = benchmarkBackends().filter((b) => b === 'wasm' || b === 'cpu');
    const labels: string[] = [];
    for (const b of backends) labels.push(backendLabel(await useBackend(b)));
    ctx.log(
      `onnx-inference: specs ${specs.map((s) => s.spec.name).join(', ')}; tfjs backends ${labels.join(', ')}`,
    );
    torch = await TorchReference.start(ctx, 'onnx-inference');
    const cases: BenchmarkCase[] = [];
    for (const { key, spec } of specs) {
      // One model per backend (same seed, same weights), so no variant pays for moving weights.
      const models = new Map<string, tf.LayersModel>();
      for (const backend of backends) {
        await useBackend(backend);
        const m = buildModel(spec, { seed: 0 });
        models.set(backend, m);
        tfModels.push(m);
      }
      const weights = tfjsWeights(models.get(backends[0]!)!);
      const exports = [
        { suffix: '', bytes: exportOnnx(spec, weights) },
        {
          suffix: `-pad${PAD_BLOCK}`,
          bytes: exportOnnx(spec, weights, { padChannels: PAD_BLOCK }),
          parameters: buildOnnxModel(spec, weights, { padChannels: PAD_BLOCK }).summary.parameters,
        },
        {
          suffix: `-pad${PAD_BLOCK}-convadd`,
          bytes: exportOnnx(spec, weights, { padChannels: PAD_BLOCK, aggregation: 'conv-add' }),
        },
      ];
      if (typeof torch !== 'string') {
        await torch.load(`onnx-inference-${key}`, spec);
        if (!ctx.quick) await torch.load(`onnx-inference-${key}-t1`, spec, 1);
      }
      const { height, width, channels } = spec.input;
      for (const batch of ctx.quick ? QUICK_BATCHES : BATCHES) {
        const values = new Float32Array(batch * height * width * channels);
        for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 12.9898) * 1.5;
        const variants: Variant[] = [];
        for (const { suffix, bytes } of exports) {
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
              name: `ort-t${threads}${suffix}`,
              operationsPerIteration: batch,
              async run(iterations) {
                for (let i = 0; i < iterations; i++) await session.run(input);
              },
            });
          }
        }
        for (const backend of backends) {
          if (backend === 'cpu' && batch > 1) continue;
          const model = models.get(backend)!;
          variants.push({
            name: `tfjs-${backend}`,
            operationsPerIteration: batch,
            async run(iterations) {
              await useBackend(backend);
              for (let i = 0; i < iterations; i++) {
                const x = tf.tensor4d(values, [batch, height, width, channels]);
                const ys = model.predict(x) as tf.Tensor[];
                await ys[0]!.data();
                tf.dispose([x, ...ys]);
              }
            },
          });
        }
        const cost = specCost(spec);
        // At the largest batch, the same variants also against PyTorch with 1 thread (a busy
        // machine slows 2-thread PyTorch far more, which would flatter the ratio).
        const torchKeys = [`onnx-inference-${key}`];
        if (!ctx.quick && batch === BATCHES[BATCHES.length - 1]) torchKeys.push(`onnx-inference-${key}-t1`);
        for (const torchKey of torchKeys)
          cases.push({
            name: `${ctx.quick ? spec.name : `${key} (${spec.name})`} batch ${batch}${torchKey.endsWith('-t1') ? ' (vs pytorch 1 thread)' : ''}`,
            params: {
              spec: spec.name,
              ...(ctx.quick ? {} : { configuration: key }),
              batch,
              input: [height, width, channels],
              backends: labels,
              multiplyAddsPerImage: cost.multiplyAdds,
              params: cost.params,
              paddedParameters: exports[1]!.parameters!,
            },
            unit: 'img/s',
            variants,
            reference: torchOr(torch, torchKey, 'infer', batch),
          });
      }
    }
    return cases;
  },
  async teardown() {
    for (const s of sessions.splice(0)) await s.release();
    for (const m of tfModels.splice(0)) m.dispose();
    if (typeof torch !== 'string') torch.stop();
    torch = 'not started';
  },
};
