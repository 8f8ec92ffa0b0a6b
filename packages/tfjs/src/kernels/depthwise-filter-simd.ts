// A 128-bit SIMD inner kernel for the depthwise filter gradient (depthwise-filter-loop.ts),
// as a hand-assembled WebAssembly module (no toolchain needed) that imports the tfjs wasm
// backend's own memory, so it reads x and dy where they are (zero-copy):
//
//   dot(acc, x, dy, count, end, xStep, dyStep)   (byte addresses and strides)
//   for (k = 0; k < end; k += 16) {
//     s = 0 (f32x4); xa = x + k; da = dy + k
//     repeat count times: s += load(xa) · load(da); xa += xStep; da += dyStep
//     store(acc + k, load(acc + k) + s)
//   }

import type { FilterRowKernel } from './depthwise-filter-loop';

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

// params: 0 acc, 1 x, 2 dy, 3 count, 4 end, 5 xStep, 6 dyStep; locals: 7 k, 8 xa, 9 da, 10 q, 11 s
const body = [
  ...[0x02, 0x04, I32, 0x01, V128], // locals: 4 × i32, 1 × v128
  ...LOOP,
  ...[0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  ...set(11),
  ...get(1),
  ...get(7),
  i32Add,
  ...set(8),
  ...get(2),
  ...get(7),
  i32Add,
  ...set(9),
  ...get(3),
  ...set(10),
  ...LOOP,
  ...get(11),
  ...get(8),
  ...load,
  ...get(9),
  ...load,
  ...f32x4Mul,
  ...f32x4Add,
  ...set(11),
  ...get(8),
  ...get(5),
  i32Add,
  ...set(8),
  ...get(9),
  ...get(6),
  i32Add,
  ...set(9),
  ...get(10),
  ...[0x41, 0x01], // i32.const 1
  i32Sub,
  ...tee(10),
  ...BR_IF_0,
  END,
  ...get(0),
  ...get(7),
  i32Add,
  ...get(0),
  ...get(7),
  i32Add,
  ...load,
  ...get(11),
  ...f32x4Add,
  ...store,
  ...get(7),
  ...[0x41, 0x10], // i32.const 16
  i32Add,
  ...tee(7),
  ...get(4),
  i32LtU,
  ...BR_IF_0,
  END,
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
export const FILTER_SIMD_WASM: Uint8Array = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [0x01, 0x60, 0x07, I32, I32, I32, I32, I32, I32, I32, 0x00]),
  ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]),
  ...section(3, [0x01, 0x00]),
  ...section(7, [0x01, ...name('dot'), 0x00, 0x00]),
  ...section(10, [0x01, ...uleb(body.length), ...body]),
]);

type Dot = (
  acc: number,
  x: number,
  dy: number,
  count: number,
  end: number,
  xStep: number,
  dyStep: number,
) => void;

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
const instances = new WeakMap<WasmMemory, Dot>();

/** The `dot` function bound to `memory`, or null where WebAssembly SIMD is unavailable. */
export function simdDot(memory: WasmMemory): Dot | null {
  if (compiled === undefined) {
    try {
      compiled = wasmApi == null ? null : new wasmApi.Module(FILTER_SIMD_WASM);
    } catch {
      compiled = null;
    }
  }
  if (compiled == null || wasmApi == null) return null;
  let dot = instances.get(memory);
  if (dot == null) {
    const instance = new wasmApi.Instance(compiled, { env: { memory } });
    dot = instance.exports.dot as Dot;
    instances.set(memory, dot);
  }
  return dot;
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
  const buffer = memory.buffer;
  if (acc.buffer !== buffer || x.buffer !== buffer || dy.buffer !== buffer) return null;
  const dot = simdDot(memory);
  if (dot == null) return null;
  const accBase = acc.byteOffset;
  const xBase = x.byteOffset;
  const dyBase = dy.byteOffset;
  return (a, xo, dyo, count, blocks, xStep, dyStep) =>
    dot(accBase + a * 4, xBase + xo * 4, dyBase + dyo * 4, count, blocks * 16, xStep * 4, dyStep * 4);
}
