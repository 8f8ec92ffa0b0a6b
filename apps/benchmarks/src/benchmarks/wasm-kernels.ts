// Per-kernel cost of a wasm training step (issue 6 §4): for the layer shapes of
// configurations A and B (batch 64), each forward op next to its gradient kernels, as
// registered by @randwire/tfjs' registerWasmGradientKernels() (via selectBackend('wasm')).
// Reading: a gradient kernel far slower than its forward op is where training time goes.

import { selectBackend } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import type { Benchmark, BenchmarkCase, Variant } from '../harness';

interface LayerShape {
  config: 'A' | 'B';
  batch: number;
  size: number;
  channels: number;
  stride: 1 | 2;
}

/** Stage shapes: A = 28×28×1, stages 14²×32, 7²×64, 4²×128; B = 32×32×3, 16²×78, 8²×156, 4²×312. */
const FULL: LayerShape[] = [
  { config: 'A', batch: 64, size: 28, channels: 32, stride: 2 },
  { config: 'A', batch: 64, size: 14, channels: 32, stride: 1 },
  { config: 'A', batch: 64, size: 7, channels: 64, stride: 1 },
  { config: 'A', batch: 64, size: 4, channels: 128, stride: 1 },
  { config: 'B', batch: 64, size: 16, channels: 78, stride: 1 },
  { config: 'B', batch: 64, size: 8, channels: 156, stride: 1 },
  { config: 'B', batch: 64, size: 4, channels: 312, stride: 1 },
];
const QUICK: LayerShape[] = [{ config: 'A', batch: 4, size: 14, channels: 32, stride: 1 }];

const held: tf.Tensor[] = [];

function keep<T extends tf.Tensor>(t: T): T {
  held.push(t);
  return t;
}

/** A variant running `op` (a disposable result) `iterations` times on the wasm backend. */
function variant(name: string, batch: number, op: () => tf.Tensor | tf.Tensor[]): Variant {
  return {
    name,
    operationsPerIteration: batch,
    run(iterations: number) {
      // wasm kernels run synchronously: the result is ready when the call returns.
      for (let i = 0; i < iterations; i++) tf.dispose(op());
    },
  };
}

function layerCases(s: LayerShape): BenchmarkCase[] {
  const { batch: n, size: h, channels: c, stride } = s;
  const ho = Math.ceil(h / stride);
  const label = `${s.config} ${n}×${h}×${h}×${c}${stride === 2 ? ' s2' : ''}`;
  const params = { config: s.config, batch: n, size: h, channels: c, stride };
  const x = keep(tf.randomNormal([n, h, h, c], 0, 1, 'float32', 1) as tf.Tensor4D);
  const dy = keep(tf.randomNormal([n, ho, ho, c], 0, 1, 'float32', 2) as tf.Tensor4D);
  const dw = keep(tf.randomNormal([3, 3, c, 1], 0, 0.3, 'float32', 3) as tf.Tensor4D);
  const pw = keep(tf.randomNormal([1, 1, c, c], 0, 0.2, 'float32', 4) as tf.Tensor4D);
  const y = keep(tf.randomNormal([n, ho, ho, c], 0, 1, 'float32', 5) as tf.Tensor4D);
  const gamma = keep(tf.ones([c]) as tf.Tensor1D);
  const beta = keep(tf.zeros([c]) as tf.Tensor1D);
  const engine = tf.engine();
  const bnTrain = (t: tf.Tensor4D) => {
    const { mean, variance } = tf.moments(t, [0, 1, 2]);
    return tf.batchNorm(t, mean, variance, beta, gamma, 1e-5);
  };
  const block = (t: tf.Tensor4D, d: tf.Tensor4D, p: tf.Tensor4D) =>
    tf.sum(tf.mul(bnTrain(tf.separableConv2d(tf.relu(t), d, p, stride, 'same')), dy));
  return [
    {
      name: `depthwise 3×3 ${label}`,
      params,
      unit: 'img/s',
      variants: [
        variant('forward', n, () => tf.depthwiseConv2d(x, dw, stride, 'same')),
        variant(
          'backprop-input',
          n,
          () =>
            engine.runKernel(
              'DepthwiseConv2dNativeBackpropInput',
              { dy, filter: dw },
              { strides: stride, pad: 'same', dilations: 1, inputShape: x.shape },
            ) as tf.Tensor,
        ),
        variant(
          'backprop-filter',
          n,
          () =>
            engine.runKernel(
              'DepthwiseConv2dNativeBackpropFilter',
              { x, dy },
              { strides: stride, pad: 'same', dilations: 1, filterShape: dw.shape },
            ) as tf.Tensor,
        ),
      ],
    },
    {
      name: `pointwise 1×1 ${label}`,
      params,
      unit: 'img/s',
      variants: [
        variant('forward', n, () => tf.conv2d(y, pw, 1, 'same')),
        variant(
          'backprop-input',
          n,
          () =>
            engine.runKernel(
              'Conv2DBackpropInput',
              { dy, filter: pw },
              { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: y.shape },
            ) as tf.Tensor,
        ),
        variant(
          'backprop-filter',
          n,
          () =>
            engine.runKernel(
              'Conv2DBackpropFilter',
              { x: y, dy },
              { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: pw.shape },
            ) as tf.Tensor,
        ),
      ],
    },
    {
      name: `batch-norm (training) ${label}`,
      params,
      unit: 'img/s',
      variants: [
        variant('forward', n, () => tf.tidy(() => bnTrain(y))),
        variant('forward+backward', n, () =>
          tf.tidy(() => tf.grads((t: tf.Tensor) => tf.sum(tf.mul(bnTrain(t as tf.Tensor4D), dy)))([y])),
        ),
      ],
    },
    {
      name: `separable block ${label}`,
      params,
      unit: 'img/s',
      variants: [
        variant('forward', n, () => tf.tidy(() => block(x, dw, pw))),
        variant('forward+backward', n, () =>
          tf.tidy(() =>
            tf.grads((a: tf.Tensor, b: tf.Tensor, e: tf.Tensor) =>
              block(a as tf.Tensor4D, b as tf.Tensor4D, e as tf.Tensor4D),
            )([x, dw, pw]),
          ),
        ),
      ],
    },
  ];
}

export const wasmKernels: Benchmark = {
  name: 'wasm-kernels',
  description:
    'Images/s of each forward op of a separable node (ReLU → 3×3 depthwise → 1×1 conv → BN) next to its gradient kernels on the wasm backend, at the layer shapes of configurations A and B (batch 64).',
  notes: [
    'Gradient kernels as registered by @randwire/tfjs registerWasmGradientKernels() (selectBackend("wasm")): the three missing ones composed, plus the fast paths (Conv2DBackpropInput as matmul, copy-free Identity, per-channel Sum/Mean as matmul, leaner FusedBatchNorm gradient).',
    'No reference: PyTorch does not expose these kernels one by one; the training benchmark compares whole steps.',
    'Single-threaded wasm (SIMD): CPU/wall well below 1 means another process took the core.',
    'Inputs are the same tensors every iteration, so XNNPACK reuses its packed right-hand operands: matmul/conv-based kernels look faster than in training, where every dy is new (a [1,12544]·[12544,32] matmul: 0.3 ms reused, 2.7 ms fresh).',
  ],
  async setup(ctx) {
    const info = await selectBackend('wasm');
    ctx.log(
      `wasm-kernels: backend ${info.name} (${info.threads} thread(s), SIMD ${info.simd ? 'on' : 'off'})`,
    );
    return (ctx.quick ? QUICK : FULL).flatMap(layerCases);
  },
  teardown() {
    tf.dispose(held.splice(0));
  },
};
