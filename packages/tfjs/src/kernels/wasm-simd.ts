// 128-bit SIMD inner kernels for the depthwise gradients (depthwise-filter-loop.ts,
// depthwise-input-loop.ts) and the 1×1 conv filter gradient (conv2d-backprop-filter.ts), as a
// hand-assembled WebAssembly module (no toolchain needed) that imports the tfjs wasm
// backend's own memory, so it works on x, dy and dx where they are (zero-copy). Byte
// addresses and strides; `count` ≥ 1 and `end` a positive multiple of 16. No FMA (relaxed
// SIMD is not enabled in Node by default): a multiply, then an add.
//
//   dot(acc, x, dy, count, end, xStep, dyStep)       filter gradient, one row of one tap
//   for (k = 0; k < end; k += 16) {
//     s = 0 (f32x4); xa = x + k; da = dy + k
//     repeat count times: s += load(xa) · load(da); xa += xStep; da += dyStep
//     store(acc + k, load(acc + k) + s)
//   }
//
//   axpy(dx, w, dy, count, end, dxStep, dyStep)      input gradient, one row of one tap
//   for (k = 0; k < end; k += 16) {
//     v = load(w + k); xa = dx + k; da = dy + k
//     repeat count times: store(xa, load(xa) + v · load(da)); xa += dxStep; da += dyStep
//   }
//
//   xtdy(acc, x, dy, count, xStride, dyStride, accStride)   a 4×8 tile of xᵀ·dy
//   a[r][h] = 0 (f32x4, r < 4, h < 2)
//   repeat count times: d_h = load(dy + 16h); a[r][h] += splat(x[r]) · d_h; x += xStride; dy += dyStride
//   store(acc + r·accStride + 16h, load(…) + a[r][h])

import type * as tf from '@tensorflow/tfjs';
import type { FilterRowKernel } from './depthwise-filter-loop';
import type { InputRowKernel } from './depthwise-input-loop';

const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const tee = (i: number) => [0x22, i];
const load = [0xfd, 0x00, 0x00, 0x00]; // v128.load align=1 offset=0
const store = [0xfd, 0x0b, 0x00, 0x00]; // v128.store align=1 offset=0
const f32x4Add = [0xfd, 0xe4, 0x01];
const f32x4Mul = [0xfd, 0xe6, 0x01];
const i32Add = 0x6a;
const i32Sub = 0x6b;
const i32LtU = 0x49;
const LOOP = [0x03, 0x40];
const END = 0x0b;
const BR_IF_0 = [0x0d, 0x00];
const LOCALS = [0x02, 0x04, I32, 0x01, V128]; // 4 × i32 (7 k, 8 xa, 9 da, 10 q), 1 × v128 (11)
const add = (a: number, b: number, to: number) => [...get(a), ...get(b), i32Add, ...set(to)];
// q -= 1; loop while q != 0
const countDown = [...get(10), 0x41, 0x01, i32Sub, ...tee(10), ...BR_IF_0];
// k += 16; loop while k < end
const nextBlock = [...get(7), 0x41, 0x10, i32Add, ...tee(7), ...get(4), i32LtU, ...BR_IF_0];

// params: 0 acc, 1 x, 2 dy, 3 count, 4 end, 5 xStep, 6 dyStep
const dotBody = [
  ...LOCALS,
  ...LOOP,
  ...[0xfd, 0x0c, ...new Array<number>(16).fill(0)], // v128.const 0
  ...set(11),
  ...add(1, 7, 8),
  ...add(2, 7, 9),
  ...get(3),
  ...set(10),
  ...LOOP,
  ...[...get(11), ...get(8), ...load, ...get(9), ...load, ...f32x4Mul, ...f32x4Add, ...set(11)],
  ...add(8, 5, 8),
  ...add(9, 6, 9),
  ...countDown,
  END,
  ...[...get(0), ...get(7), i32Add, ...get(0), ...get(7), i32Add, ...load, ...get(11), ...f32x4Add, ...store],
  ...nextBlock,
  END,
  END,
];

// params: 0 dx, 1 w, 2 dy, 3 count, 4 end, 5 dxStep, 6 dyStep
const axpyBody = [
  ...LOCALS,
  ...LOOP,
  ...[...get(1), ...get(7), i32Add, ...load, ...set(11)],
  ...add(0, 7, 8),
  ...add(2, 7, 9),
  ...get(3),
  ...set(10),
  ...LOOP,
  ...[...get(8), ...get(8), ...load, ...get(11), ...get(9), ...load, ...f32x4Mul, ...f32x4Add, ...store],
  ...add(8, 5, 8),
  ...add(9, 6, 9),
  ...countDown,
  END,
  ...nextBlock,
  END,
  END,
];

// params: 0 acc, 1 x, 2 dy, 3 count, 4 xStride, 5 dyStride, 6 accStride
// locals: 7 xa, 8 da, 9 q (i32); 10..17 a[r][h] = 10 + 2r + h, 18 d0, 19 d1, 20 splat (v128)
const tileAcc = (r: number, h: number) => 10 + 2 * r + h;
const xtdyBody = [
  ...[0x02, 0x03, I32, 0x0b, V128],
  ...get(1),
  ...set(7),
  ...get(2),
  ...set(8),
  ...get(3),
  ...set(9),
  ...LOOP,
  ...[...get(8), ...load, ...set(18)],
  ...[...get(8), 0xfd, 0x00, 0x00, 0x10, ...set(19)], // v128.load offset=16
  ...[0, 1, 2, 3].flatMap((r) => [
    ...[...get(7), 0xfd, 0x09, 0x02, r * 4, ...set(20)], // v128.load32_splat offset=4r
    ...[...get(tileAcc(r, 0)), ...get(20), ...get(18), ...f32x4Mul, ...f32x4Add, ...set(tileAcc(r, 0))],
    ...[...get(tileAcc(r, 1)), ...get(20), ...get(19), ...f32x4Mul, ...f32x4Add, ...set(tileAcc(r, 1))],
  ]),
  ...add(7, 4, 7),
  ...add(8, 5, 8),
  ...[...get(9), 0x41, 0x01, i32Sub, ...tee(9), ...BR_IF_0],
  END,
  ...[0, 1, 2, 3].flatMap((r) => [
    ...[...get(0), ...get(0), ...load, ...get(tileAcc(r, 0)), ...f32x4Add, ...store],
    ...[
      ...get(0),
      ...get(0),
      0xfd,
      0x00,
      0x00,
      0x10,
      ...get(tileAcc(r, 1)),
      ...f32x4Add,
      0xfd,
      0x0b,
      0x00,
      0x10,
    ],
    ...add(0, 6, 0),
  ]),
  END,
];

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function uleb(v: number): number[] {
  const out: number[] = [];
  let n = v;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const name = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];

/** The module's bytes (exported for tests: it must validate). */
export const SIMD_KERNELS_WASM: Uint8Array = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [0x01, 0x60, 0x07, I32, I32, I32, I32, I32, I32, I32, 0x00]),
  ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]),
  ...section(3, [0x03, 0x00, 0x00, 0x00]),
  ...section(7, [0x03, ...name('dot'), 0x00, 0x00, ...name('axpy'), 0x00, 0x01, ...name('xtdy'), 0x00, 0x02]),
  ...section(10, [0x03, ...[dotBody, axpyBody, xtdyBody].flatMap((body) => [...uleb(body.length), ...body])]),
]);

/** All functions take 7 i32s (byte addresses / strides). */
type RowFunction = (
  a: number,
  b: number,
  c: number,
  count: number,
  end: number,
  aStep: number,
  cStep: number,
) => void;

/** The module's functions bound to one memory. */
export interface WasmSimd {
  dot: RowFunction;
  axpy: RowFunction;
  xtdy: RowFunction;
}

/** The slice of the WebAssembly JS API used here (lib ES2022 does not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** `memory` if it is a WebAssembly.Memory, else null. */
export function asWasmMemory(memory: unknown): WasmMemory | null {
  return wasmApi != null && memory instanceof wasmApi.Memory ? memory : null;
}

let compiled: object | null | undefined;
const instances = new WeakMap<WasmMemory, WasmSimd | null>();

/** The module instantiated on `memory` (cached), or null where WebAssembly SIMD is unavailable. */
export function wasmSimd(memory: WasmMemory): WasmSimd | null {
  if (compiled === undefined) {
    try {
      compiled = wasmApi == null ? null : new wasmApi.Module(SIMD_KERNELS_WASM);
    } catch {
      compiled = null;
    }
  }
  if (compiled == null || wasmApi == null) return null;
  if (!instances.has(memory)) {
    let simd: WasmSimd | null = null;
    try {
      // fails for a shared (threaded build) memory: the import is declared unshared
      const { exports } = new wasmApi.Instance(compiled, { env: { memory } });
      simd = {
        dot: exports.dot as RowFunction,
        axpy: exports.axpy as RowFunction,
        xtdy: exports.xtdy as RowFunction,
      };
    } catch {
      simd = null;
    }
    instances.set(memory, simd);
  }
  return instances.get(memory) ?? null;
}

function inMemory(memory: WasmMemory, arrays: Float32Array[]): boolean {
  return arrays.every((a) => a.buffer === memory.buffer);
}

/**
 * A FilterRowKernel over float32 arrays that live in `memory` (`acc`, `x`, `dy` are views of
 * its buffer), or null where SIMD is unavailable or an array is not in that memory.
 */
export function simdFilterRowKernel(
  memory: WasmMemory,
  acc: Float32Array,
  x: Float32Array,
  dy: Float32Array,
): FilterRowKernel | null {
  const simd = inMemory(memory, [acc, x, dy]) ? wasmSimd(memory) : null;
  if (simd == null) return null;
  const { dot } = simd;
  const accBase = acc.byteOffset;
  const xBase = x.byteOffset;
  const dyBase = dy.byteOffset;
  return (a, xo, dyo, count, blocks, xStep, dyStep) =>
    dot(accBase + a * 4, xBase + xo * 4, dyBase + dyo * 4, count, blocks * 16, xStep * 4, dyStep * 4);
}

/**
 * An InputRowKernel over float32 arrays that live in `memory` (`dx`, `filter`, `dy` are views
 * of its buffer), or null where SIMD is unavailable or an array is not in that memory.
 */
export function simdInputRowKernel(
  memory: WasmMemory,
  dx: Float32Array,
  filter: Float32Array,
  dy: Float32Array,
): InputRowKernel | null {
  const simd = inMemory(memory, [dx, filter, dy]) ? wasmSimd(memory) : null;
  if (simd == null) return null;
  const { axpy } = simd;
  const dxBase = dx.byteOffset;
  const fBase = filter.byteOffset;
  const dyBase = dy.byteOffset;
  return (xo, f, dyo, count, blocks, xStep, dyStep) =>
    axpy(dxBase + xo * 4, fBase + f * 4, dyBase + dyo * 4, count, blocks * 16, xStep * 4, dyStep * 4);
}

/** The slice of tfjs-backend-wasm's BackendWasm the direct kernels use. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
  wasm?: { asm?: { memory?: unknown } };
}

/** `backend` if it exposes the wasm heap (tfjs-backend-wasm 4.22's BackendWasm), else null. */
export function asWasmHeapBackend(backend: unknown): WasmHeapBackend | null {
  const b = backend as Partial<WasmHeapBackend> | null;
  return typeof b?.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function'
    ? (b as WasmHeapBackend)
    : null;
}

/** The WebAssembly.Memory of a wasm backend's heap, or null if it cannot be found. */
export function heapMemory(backend: WasmHeapBackend): WasmMemory | null {
  return asWasmMemory(backend.wasm?.asm?.memory);
}

/**
 * Adds xᵀ·dy (`x` `[rows, ci]`, `dy` `[rows, co]`, row-major) into `out` (`[ci, co]`) with
 * the SIMD tile kernel; all three arrays must be views of `memory`'s buffer, `ci` a multiple
 * of 4 and `co` of 8. False (nothing done) where that is not the case or SIMD is unavailable.
 */
export function simdXtDy(
  memory: WasmMemory,
  x: Float32Array,
  dy: Float32Array,
  out: Float32Array,
  rows: number,
  ci: number,
  co: number,
): boolean {
  const simd = inMemory(memory, [x, dy, out]) && ci % 4 === 0 && co % 8 === 0 ? wasmSimd(memory) : null;
  if (simd == null || rows < 1 || ci < 4 || co < 8) return false;
  const { xtdy } = simd;
  // Rows in chunks whose x and dy slices stay in cache while every tile passes over them.
  const chunk = Math.max(16, Math.floor(16384 / (ci + co)));
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const count = Math.min(chunk, rows - r0);
    for (let c0 = 0; c0 < ci; c0 += 4) {
      const xAddr = x.byteOffset + (r0 * ci + c0) * 4;
      for (let o0 = 0; o0 < co; o0 += 8) {
        xtdy(
          out.byteOffset + (c0 * co + o0) * 4,
          xAddr,
          dy.byteOffset + (r0 * co + o0) * 4,
          count,
          ci * 4,
          co * 4,
          co * 4,
        );
      }
    }
  }
  return true;
}
