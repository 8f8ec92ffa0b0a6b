import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../backend';
import { convGeometry } from './conv-geometry';
import { depthwiseFilterGradLoop } from './depthwise-filter-loop';
import { depthwiseInputGradLoop } from './depthwise-input-loop';
import {
  asWasmMemory,
  DEPTHWISE_SIMD_WASM,
  depthwiseSimd,
  simdFilterRowKernel,
  simdInputRowKernel,
  type WasmMemory,
} from './depthwise-simd';
import {
  checkKernelLeaks,
  quietTfjs,
  RELATIVE_ERROR_BOUND,
  randomArray,
  relativeError,
  rng,
  wasmVsCpu,
} from './test-utils/compare';

// The WebAssembly JS API (lib ES2022 does not declare it).
const WA = (
  globalThis as unknown as {
    WebAssembly: { validate(bytes: Uint8Array): boolean; Memory: new (d: { initial: number }) => WasmMemory };
  }
).WebAssembly;

beforeAll(async () => {
  quietTfjs();
  checkKernelLeaks();
  await selectBackend('wasm');
});

describe('the SIMD module', () => {
  test('is a valid WebAssembly module', () => {
    expect(WA.validate(DEPTHWISE_SIMD_WASM)).toBe(true);
  });

  test('sums blocks of 4 channels over unaligned views of its memory like the JS loop', () => {
    const r = rng(21);
    const shape: [number, number, number, number] = [2, 7, 6, 13];
    const g = convGeometry('test', shape, [3, 3, 13, 1], [2, 1], 1, 'same', undefined, true);
    const memory = new WA.Memory({ initial: 1 });
    const xSize = 2 * 7 * 6 * 13;
    const dySize = g.batch * g.outHeight * g.outWidth * 13;
    // odd float offsets: no view is 16-byte aligned
    const x = new Float32Array(memory.buffer as ArrayBuffer, 4, xSize);
    const dy = new Float32Array(memory.buffer as ArrayBuffer, 4 * (xSize + 3), dySize);
    const out = new Float32Array(memory.buffer as ArrayBuffer, 4 * (xSize + dySize + 5), 9 * 13);
    x.set(randomArray(r, shape));
    dy.set(randomArray(r, [dySize]));
    const simd = simdFilterRowKernel(memory, out, x, dy);
    expect(simd).not.toBeNull();
    const expected = new Float32Array(9 * 13);
    depthwiseFilterGradLoop(x, dy, expected, g, 1);
    depthwiseFilterGradLoop(x, dy, out, g, 1, simd ?? undefined);
    expect(relativeError(out, expected)).toBeLessThan(1e-6);
  });

  test('scatters blocks of 4 channels into unaligned views of its memory like the JS loop', () => {
    const r = rng(22);
    const shape: [number, number, number, number] = [2, 7, 6, 13];
    const g = convGeometry('test', shape, [3, 3, 13, 1], [2, 1], 1, 'same', undefined, true);
    const memory = new WA.Memory({ initial: 1 });
    const xSize = 2 * 7 * 6 * 13;
    const dySize = g.batch * g.outHeight * g.outWidth * 13;
    const dx = new Float32Array(memory.buffer as ArrayBuffer, 4, xSize);
    const dy = new Float32Array(memory.buffer as ArrayBuffer, 4 * (xSize + 3), dySize);
    const filter = new Float32Array(memory.buffer as ArrayBuffer, 4 * (xSize + dySize + 5), 9 * 13);
    dy.set(randomArray(r, [dySize]));
    filter.set(randomArray(r, [9 * 13]));
    const simd = simdInputRowKernel(memory, dx, filter, dy);
    expect(simd).not.toBeNull();
    const expected = new Float32Array(xSize);
    depthwiseInputGradLoop(dy, filter, expected, g, 1);
    depthwiseInputGradLoop(dy, filter, dx, g, 1, simd ?? undefined);
    expect(relativeError(dx, expected)).toBeLessThan(1e-6);
  });

  test('is not used for arrays outside its memory', () => {
    const memory = new WA.Memory({ initial: 1 });
    const inside = new Float32Array(memory.buffer as ArrayBuffer, 0, 8);
    expect(simdFilterRowKernel(memory, inside, new Float32Array(8), inside)).toBeNull();
    expect(simdInputRowKernel(memory, inside, inside, new Float32Array(8))).toBeNull();
  });

  test('binds to the wasm backend memory', () => {
    const backend = tf.findBackend('wasm') as unknown as { wasm: { asm: { memory: unknown } } };
    const memory = asWasmMemory(backend.wasm.asm.memory);
    expect(memory).not.toBeNull();
    expect(depthwiseSimd(memory as NonNullable<typeof memory>)?.axpy).toBeInstanceOf(Function);
    expect(asWasmMemory(new ArrayBuffer(8))).toBeNull();
  });
});

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

// channel counts with and without a remainder of 4, explicit padding, rectangular strides
const cases: Array<[[number, number, number, number], number, number, [number, number], Pad]> = [
  [[2, 9, 8, 8], 3, 1, [1, 1], 'same'],
  [[3, 8, 9, 6], 3, 1, [2, 2], 'same'],
  [
    [2, 7, 7, 12],
    5,
    1,
    [2, 1],
    [
      [0, 0],
      [1, 2],
      [3, 0],
      [0, 0],
    ],
  ],
  [[1, 6, 8, 5], 3, 2, [1, 2], 'valid'],
];

describe('depthwise gradients on wasm (SIMD path)', () => {
  test.each(cases)(
    'x %j, filter size %i, multiplier %i, strides %j, pad %j match cpu',
    async (shape, k, m, s, pad) => {
      const r = rng(shape.reduce((a, b) => a * 31 + b, 0) * 7 + k * 3 + m);
      const xv = randomArray(r, shape);
      const fShape: [number, number, number, number] = [k, k, shape[3], m];
      const fv = randomArray(r, fShape);
      const errors = await wasmVsCpu(() => {
        const x = tf.tensor4d(xv, shape);
        const f = tf.tensor4d(fv, fShape);
        const loss = (xt: tf.Tensor, ft: tf.Tensor) =>
          tf.sum(tf.square(tf.depthwiseConv2d(xt as tf.Tensor4D, ft as tf.Tensor4D, s, pad)));
        const [dx, df] = tf.grads(loss)([x, f]);
        tf.dispose([x, f]);
        return [dx as tf.Tensor, df as tf.Tensor];
      });
      expect(errors).toHaveLength(2);
      for (const e of errors) expect(e).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
    },
  );
});
