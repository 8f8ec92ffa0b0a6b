// Zero-padding of internal channel counts for the ONNX export (`ExportOptions.padChannels`):
// onnxruntime's CPU provider (MLAS) runs convolutions on NCHWc blocked layouts (block 8 or 16)
// only when channel counts are multiples of the block; padding every internal tensor to a
// multiple with zero weights keeps the outputs identical and enables those kernels.
//
// Invariant: every padded channel of every internal tensor is exactly 0. Producers write 0
// there (zero kernel rows; BN gamma 0, beta 0, mean 0, variance 1, so 0 also when folded);
// consumers ignore it (zero kernel columns); ReLU, weighted sums, Mean and the pools keep 0.
import type { NetworkSpec } from '@randwire/spec';
import { ExportError } from './errors';

const WHERE = '@randwire/onnx/pad-channels';

/** The allowed values of `padChannels`: 0 and 1 (off) and the powers of two 2..64. */
export const PAD_CHANNELS_ALLOWED: readonly number[] = Object.freeze([0, 1, 2, 4, 8, 16, 32, 64]);

/** Checks a `padChannels` value; returns the block (1 = no padding). */
export function checkPadChannels(value: unknown, where = WHERE): number {
  if (typeof value !== 'number' || !PAD_CHANNELS_ALLOWED.includes(value)) {
    throw new ExportError(
      `${where}: invalid padChannels (${String(value)}): must be 0 or 1 (off) or a power of two 2..64`,
    );
  }
  return Math.max(1, value);
}

/** `c` rounded up to a multiple of `block`. */
export function roundUpChannels(c: number, block: number): number {
  return Math.ceil(c / block) * block;
}

/** Channel counts of the tensors of the exported graph (padded ones where `block` > 1). */
export interface ChannelPlan {
  block: number;
  /** Output channels of each stem unit (its input: the previous unit's, or the image's). */
  stem: number[];
  /** Input and output (= every node's) channels of each random stage. */
  stages: Array<{ in: number; out: number }>;
  /** Input channels of the head conv; its output keeps `head.channels` (the features). */
  headIn: number;
}

/** The channel counts of every internal tensor when padding to multiples of `block`. The
 * image and the head conv's output (the `features`) are never padded. A `depthwise-3x3`
 * stage is the one exception to "the next multiple": its input-fed nodes multiply the
 * (padded) input channels by `channels / inChannels` (a grouped conv with one group per input
 * channel), so its nodes have `in × multiplier` channels, a multiple of `block` that can be
 * larger than the next one. */
export function planChannels(spec: NetworkSpec, block: number): ChannelPlan {
  let c = spec.input.channels;
  const stem = spec.stem.map((u) => {
    c = roundUpChannels(u.channels, block);
    return c;
  });
  const stages = spec.stages.map((s) => {
    const inP = c;
    c =
      s.transform === 'depthwise-3x3'
        ? inP * (s.channels / s.inChannels)
        : roundUpChannels(s.channels, block);
    return { in: inP, out: c };
  });
  return { block, stem, stages, headIn: c };
}

/** A kernel in ONNX layout `[out, in / group, kh, kw]`, padded with zeros to `outChannels`
 * filters reading `inChannels` channels. A dense kernel (group 1) gets zero rows and
 * columns; a depthwise one (group = its input channels, `out / group` filters per channel)
 * gets zero filters for the extra groups, and its group count becomes `inChannels`. */
export function padConvKernel(
  kernel: { data: Float32Array; shape: readonly number[] },
  group: number,
  inChannels: number,
  outChannels: number,
): { data: Float32Array; shape: number[]; group: number } {
  const [co, cpg, kh, kw] = kernel.shape as [number, number, number, number];
  const ci = cpg * group;
  const fail = (why: string) =>
    new ExportError(
      `${WHERE}: cannot pad kernel [${kernel.shape.join(', ')}] (group ${group}) to ${inChannels} -> ${outChannels} channels: ${why}`,
    );
  if (inChannels < ci || outChannels < co) throw fail('padding cannot remove channels');
  if (inChannels === ci && outChannels === co) return { data: kernel.data, shape: [...kernel.shape], group };
  const hw = kh * kw;
  if (group === 1) {
    const data = new Float32Array(outChannels * inChannels * hw);
    for (let o = 0; o < co; o++) {
      data.set(kernel.data.subarray(o * ci * hw, (o + 1) * ci * hw), o * inChannels * hw);
    }
    return { data, shape: [outChannels, inChannels, kh, kw], group: 1 };
  }
  if (cpg !== 1) throw fail('only dense (group 1) and depthwise (group = input channels) convs pad');
  if (outChannels * group !== co * inChannels) {
    throw fail(
      `a depthwise conv keeps its multiplier ${co / group}: needs ${inChannels * (co / group)} outputs`,
    );
  }
  // Output channel c·mult + m reads input channel c: the real filters keep their indices.
  const data = new Float32Array(outChannels * hw);
  data.set(kernel.data);
  return { data, shape: [outChannels, 1, kh, kw], group: inChannels };
}

/** Batch-norm parameters padded to `channels`: gamma 0, beta 0, moving mean 0 and moving
 * variance 1 for the extra channels, so they map 0 to exactly 0 (also when folded). */
export function padBatchNorm(
  params: { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array },
  channels: number,
): { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array } {
  const pad = (a: Float32Array, fill: number) => {
    if (a.length === channels) return a;
    if (a.length > channels) {
      throw new ExportError(`${WHERE}: cannot pad batch norm of ${a.length} channels to ${channels}`);
    }
    const out = new Float32Array(channels).fill(fill);
    out.set(a);
    return out;
  };
  return {
    gamma: pad(params.gamma, 0),
    beta: pad(params.beta, 0),
    mean: pad(params.mean, 0),
    variance: pad(params.variance, 1),
  };
}
