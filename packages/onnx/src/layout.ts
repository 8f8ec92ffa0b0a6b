// Layout conversions between tfjs (NHWC activations; HWIO / [kh, kw, C, mult] / [in, out]
// weights) and ONNX (NCHW activations; OIHW weights).
import { OnnxError } from './errors';

function checkSize(where: string, data: ArrayLike<number>, shape: readonly number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) {
    throw new OnnxError(
      `@randwire/onnx/layout: ${where}: data has ${data.length} values, shape [${shape.join(', ')}] needs ${n}`,
    );
  }
}

/** NHWC → NCHW for a float tensor of shape `[n, h, w, c]`. */
export function nhwcToNchw(
  data: ArrayLike<number>,
  shape: readonly [number, number, number, number],
): Float32Array {
  checkSize('nhwcToNchw', data, shape);
  const [n, h, w, c] = shape;
  const out = new Float32Array(data.length);
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * hw * c;
    for (let p = 0; p < hw; p++) {
      const src = base + p * c;
      for (let ch = 0; ch < c; ch++) out[base + ch * hw + p] = data[src + ch]!;
    }
  }
  return out;
}

/** NCHW → NHWC for a float tensor of shape `[n, c, h, w]`. */
export function nchwToNhwc(
  data: ArrayLike<number>,
  shape: readonly [number, number, number, number],
): Float32Array {
  checkSize('nchwToNhwc', data, shape);
  const [n, c, h, w] = shape;
  const out = new Float32Array(data.length);
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * hw * c;
    for (let ch = 0; ch < c; ch++) {
      const src = base + ch * hw;
      for (let p = 0; p < hw; p++) out[base + p * c + ch] = data[src + p]!;
    }
  }
  return out;
}

/** Conv kernel HWIO `[kh, kw, in, out]` → OIHW `[out, in, kh, kw]`. */
export function hwioToOihw(
  data: ArrayLike<number>,
  shape: readonly number[],
): { data: Float32Array; shape: number[] } {
  checkSize('hwioToOihw', data, shape);
  const [kh, kw, ci, co] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < ci; i++) {
        for (let o = 0; o < co; o++) {
          out[((o * ci + i) * kh + y) * kw + x] = data[((y * kw + x) * ci + i) * co + o]!;
        }
      }
    }
  }
  return { data: out, shape: [co, ci, kh, kw] };
}

/** Depthwise kernel `[kh, kw, C, mult]` → ONNX grouped conv weight `[C·mult, 1, kh, kw]`
 * (use with `group = C`; output channel `c·mult + m`, as tfjs orders them). */
export function depthwiseToOnnx(
  data: ArrayLike<number>,
  shape: readonly number[],
): { data: Float32Array; shape: number[]; group: number } {
  checkSize('depthwiseToOnnx', data, shape);
  const [kh, kw, c, mult] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let ch = 0; ch < c; ch++) {
        for (let m = 0; m < mult; m++) {
          out[((ch * mult + m) * kh + y) * kw + x] = data[((y * kw + x) * c + ch) * mult + m]!;
        }
      }
    }
  }
  return { data: out, shape: [c * mult, 1, kh, kw], group: c };
}

/** uint8 NHWC images → normalized float NCHW: x' = (x / 255 - mean[c]) / std[c]. */
export function normalizeUint8ToNchw(
  images: Uint8Array,
  shape: readonly [number, number, number, number],
  normalization: { mean: readonly number[]; std: readonly number[] },
): Float32Array {
  checkSize('normalizeUint8ToNchw', images, shape);
  const [n, h, w, c] = shape;
  if (normalization.mean.length !== c || normalization.std.length !== c) {
    throw new OnnxError(
      `@randwire/onnx/layout: normalizeUint8ToNchw: mean/std have ${normalization.mean.length}/${normalization.std.length} entries, images have ${c} channels`,
    );
  }
  const out = new Float32Array(images.length);
  const hw = h * w;
  for (let ch = 0; ch < c; ch++) {
    const mean = normalization.mean[ch]!;
    const std = normalization.std[ch]!;
    const lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = (v / 255 - mean) / std;
    for (let b = 0; b < n; b++) {
      const base = b * hw * c;
      for (let p = 0; p < hw; p++) out[base + ch * hw + p] = lut[images[base + p * c + ch]!]!;
    }
  }
  return out;
}
