import * as tf from '@tensorflow/tfjs';
import { convGeometry } from './conv-geometry';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { depthwiseFilterGradLoop } from './depthwise-filter-loop';
import { depthwiseInputGradLoop } from './depthwise-input-loop';
import { RELATIVE_ERROR_BOUND, randomArray, relativeError, rng, wasmVsCpu } from './test-utils/compare';
import { conv2d, convGradientErrors, startWasmKernels } from './test-utils/conv-gradients';
import {
  asWasmMemory,
  SIMD_KERNELS_WASM,
  simdFilterRowKernel,
  simdInputRowKernel,
  simdXtDy,
  type WasmMemory,
  wasmSimd,
} from './wasm-simd';

// The WebAssembly JS API (lib ES2022 does not declare it).
const WA = (
  globalThis as unknown as {
    WebAssembly: { validate(bytes: Uint8Array): boolean; Memory: new (d: { initial: number }) => WasmMemory };
  }
).WebAssembly;

beforeAll(startWasmKernels);

describe('the SIMD module', () => {
  test('is a valid WebAssembly module', () => {
    expect(WA.validate(SIMD_KERNELS_WASM)).toBe(true);
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

  test('adds xᵀ·dy over unaligned views of its memory, across row chunks', () => {
    const r = rng(23);
    const [rows, ci, co] = [1500, 4, 16]; // more rows than one chunk (16384 / 20 = 819)
    const memory = new WA.Memory({ initial: 3 });
    const x = new Float32Array(memory.buffer as ArrayBuffer, 4, rows * ci);
    const dy = new Float32Array(memory.buffer as ArrayBuffer, 4 * (rows * ci + 3), rows * co);
    const out = new Float32Array(memory.buffer as ArrayBuffer, 4 * (rows * (ci + co) + 5), ci * co);
    x.set(randomArray(r, [rows * ci]));
    dy.set(randomArray(r, [rows * co]));
    out.fill(1);
    expect(simdXtDy(memory, x, dy, out, rows, ci, co)).toBe(true);
    const expected = new Float64Array(ci * co).fill(1);
    for (let k = 0; k < rows; k++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++)
          expected[i * co + o] =
            (expected[i * co + o] as number) + (x[k * ci + i] as number) * (dy[k * co + o] as number);
    expect(relativeError(out, expected)).toBeLessThan(1e-5);
    // channel counts the tile does not fit are refused, leaving `out` alone
    expect(simdXtDy(memory, x, dy, out, rows, 6, 8)).toBe(false);
    expect(simdXtDy(memory, x, dy, out, rows, 4, 12)).toBe(false);
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
    expect(wasmSimd(memory as NonNullable<typeof memory>)?.axpy).toBeInstanceOf(Function);
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

// 1×1 filters: Ci % 4 = 0 and Co % 8 = 0 at stride 1 take the SIMD xᵀ·dy; the others (stride
// 2, Co = 12) the composed kernel. The large case is checked against the composed kernel
// (itself checked against cpu): the cpu backend is too slow for that size under jest.
const pointwise: Array<[[number, number, number, number], number, number, 'same' | 'valid']> = [
  [[2, 9, 8, 8], 16, 1, 'same'],
  [[3, 7, 5, 4], 8, 1, 'valid'],
  [[1, 33, 31, 4], 8, 1, 'same'],
  [[2, 8, 7, 8], 8, 2, 'same'],
  [[2, 6, 6, 4], 12, 1, 'valid'],
];

describe('Conv2DBackpropFilter 1×1 on wasm (SIMD path)', () => {
  test('an x of many row chunks matches the composed kernel on wasm', async () => {
    await tf.setBackend('wasm');
    const shape: [number, number, number, number] = [1, 128, 128, 32];
    const r = rng(31);
    const x = tf.tensor4d(randomArray(r, shape), shape);
    const dy = tf.tensor4d(randomArray(r, [1, 128, 128, 16]), [1, 128, 128, 16]);
    const attrs = { strides: 1, pad: 'same', filterShape: [1, 1, 32, 16], dataFormat: 'NHWC', dilations: 1 };
    const direct = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor;
    const composed = conv2dBackpropFilter(x, dy, [1, 1, 32, 16], 1, 'same');
    expect(relativeError(await direct.data(), await composed.data())).toBeLessThan(1e-5);
    tf.dispose([x, dy, direct, composed]);
  });

  test.each(pointwise)('x %j, %i output channels, stride %i, %s matches cpu', async (shape, co, s, pad) => {
    const r = rng(shape.reduce((a, b) => a * 31 + b, 0) * 11 + co * 3 + s);
    const xv = randomArray(r, shape);
    const fShape: [number, number, number, number] = [1, 1, shape[3], co];
    const fv = randomArray(r, fShape);
    const operands = { x: { values: xv, shape }, filter: { values: fv, shape: fShape } };
    const errors = await convGradientErrors(conv2d, 'filter', operands, s, pad);
    expect(errors).toHaveLength(1);
    for (const e of errors) expect(e).toBeLessThanOrEqual(RELATIVE_ERROR_BOUND);
  });
});
