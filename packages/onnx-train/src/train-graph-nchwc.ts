// The training graph's layout-dependent ops in onnxruntime's blocked NCHWc layout, for its
// MLAS kernels in the `com.microsoft.nchwc` domain. onnxruntime only rewrites a Conv into these
// kernels when the weight is a constant (its NchwcTransformer reorders constants at load
// time); written out explicitly they take the weight as an ordinary tensor, so a training step
// can use them: the kernels are reordered inside the graph (cheap: weights are small), the
// activations stay blocked from the first convolution to the global pool, and no activation is
// ever reordered back except for the pointwise/dense kernel gradients (GEMMs over NHWC).
//
// A blocked feature of c channels is a tensor of logical shape [B, cp, H, W] (cp = c rounded up
// to the block size bs) whose memory is [B, cp / bs, H, W, bs]; the padded channels hold zeros
// throughout (their kernels, gammas and betas are zero), and per-channel vectors are [cp] in
// natural channel order. Element-wise ops (ReLU and its mask, weighted sums, means, gradient
// sums) are layout-blind and stay in train-graph.ts.
import { onnxSamePads, sameOutputSize } from '@randwire/onnx';
import { OnnxTrainError } from './errors';
import type { ConvSpec, Feature, Tape } from './train-graph';

export const NCHWC_DOMAIN = 'com.microsoft.nchwc';

export interface BlockedContext {
  t: Tape;
  /** Examples per step. */
  B: number;
  /** Channels per NCHWc block (onnxruntime's MlasNchwcGetBlockSize: 16 with AVX-512, 8 with AVX2). */
  bs: number;
  /** Checks that the spec has the parameter and returns its graph input. */
  param: (name: string) => string;
  epsilon: number;
  /** Emits the moving-statistics update of `layer` from the batch mean and variance ([C]). */
  updateMoving: (layer: string, mean: string, variance: string) => void;
}

export interface BlockedOps {
  /** A convolution (dense or depthwise, any stride) with its backward rules. */
  conv(x: Feature, c: ConvSpec): Feature;
  /** Training-mode batch norm with its backward rule and moving statistics. */
  batchNorm(x: Feature, layer: string): Feature;
  /** A blocked feature in plain NCHW (for ops without NCHWc kernels), with its backward rule. */
  unblock(x: Feature): Feature;
  /** Global average pool to [B, channels] (plain layout), with its backward rule. */
  globalAveragePool(x: Feature, name: string): string;
  /** Forward of a weighted sum: sum of xs[i] * ws[i] (scalars), one fused pass per input. */
  weightedSum(xs: Feature[], ws: string[], name: string): string;
  /** sum(a * x) over every element -> [1] (no product tensor). */
  dot(a: string, x: Feature): string;
}

export function blockedOps(ctx: BlockedContext): BlockedOps {
  const { t, B, bs } = ctx;
  const padded = (c: number) => Math.ceil(c / bs) * bs;
  const nchwc = (type: string, inputs: string[], attrs: Parameters<Tape['op']>[2] = {}, base?: string) =>
    t.op(type, inputs, attrs, base, NCHWC_DOMAIN);
  const reshape = (x: string, shape: number[], base?: string) =>
    t.op('Reshape', [x, t.ints(shape)], {}, base);
  const transpose = (x: string, perm: number[], base?: string) =>
    t.op('Transpose', [x], { perm: { ints: perm } }, base);
  /** Zero-pads axis `axis` of a rank-`rank` tensor by `n` at the end. */
  const padEnd = (x: string, rank: number, axis: number, n: number): string => {
    if (n === 0) return x;
    const pads = new Array<number>(2 * rank).fill(0);
    pads[rank + axis] = n;
    return t.op('Pad', [x, t.ints(pads)], { mode: { string: 'constant' } });
  };
  /** Reverses axes 0 and 1 (a kernel rotated by 180°). */
  const flip01 = (x: string) =>
    t.op('Slice', [x, t.ints([-1, -1]), t.ints([-(2 ** 53), -(2 ** 53)]), t.ints([0, 1]), t.ints([-1, -1])]);
  const sliceTo = (x: string, axis: number, n: number) =>
    t.op('Slice', [x, t.ints([0]), t.ints([n]), t.ints([axis])]);
  const vector = (v: string, c: number) => padEnd(v, 1, 0, padded(c) - c); // [c] -> [cp]
  const unpadVector = (v: string, c: number) => (padded(c) === c ? v : sliceTo(v, 0, c));

  /** Plain NCHW [B, c, h, w] -> blocked (ReorderInput needs c % 4 == 0: pad first). */
  const reorderInput = (x: string, c: number, base?: string) =>
    nchwc('ReorderInput', [c % 4 === 0 ? x : padEnd(x, 4, 1, padded(c) - c)], {}, base);
  /** A plain NCHW feature as a blocked one. */
  const toBlocked = (x: Feature): Feature => {
    const c = x.channels;
    const y = reorderInput(x.name, c, t.scoped('blocked'));
    t.onBackward(() => {
      const dy = t.grad(y);
      if (dy) t.addGrad(x.name, nchwc('ReorderOutput', [dy], { channels: { int: c } }));
    });
    return { ...x, name: y, blocked: true };
  };
  /** A blocked feature as plain NCHW (forward only: used by gradients). */
  const toPlain = (x: string, c: number, channelsLast: boolean) =>
    nchwc('ReorderOutput', [x], { channels: { int: c }, channels_last: { int: channelsLast ? 1 : 0 } });
  const unblock = (x: Feature): Feature => {
    const y = toPlain(x.name, x.channels, false);
    t.onBackward(() => {
      const dy = t.grad(y);
      if (dy) t.addGrad(x.name, reorderInput(dy, x.channels));
    });
    return { ...x, name: y, blocked: false };
  };

  /** Per-image channel means of a blocked [B, cp, h, w] tensor -> [B, cp] (MLAS's NCHWc pool:
   * 1.7× faster than a ReduceSum over the blocked view). */
  const imageMeans = (x: string, c: number) => reshape(nchwc('GlobalAveragePool', [x]), [B, padded(c)]);
  /** Per-channel means over batch and positions -> [cp]. */
  const channelMean = (x: string, c: number, base?: string) =>
    t.op('ReduceMean', [imageMeans(x, c)], { axes: { ints: [0] }, keepdims: { int: 0 } }, base);
  /** Per-channel sums of x * y (both blocked [B, cp, h, w]) -> [cp]: a depthwise convolution
   * of x with y as the kernel, batch folded into channels (no product tensor). */
  const channelDot = (x: string, y: string, c: number, h: number, w: number): string => {
    const cp = padded(c);
    const dot = nchwc(
      'Conv',
      [reshape(x, [1, B * cp, h, w]), reshape(y, [B * cp, 1, h, w])],
      { kernel_shape: { ints: [h, w] }, group: { int: B * cp } },
      t.scoped('dot'),
    );
    return t.op('ReduceSum', [reshape(dot, [B, cp]), t.ints([0])], { keepdims: { int: 0 } });
  };
  /** y = x * scale + bias (+ sum) per channel, one pass: a 1×1 depthwise NCHWc convolution. */
  const affine = (x: string, c: number, scale: string, bias: string, sum?: string, base?: string) => {
    const cp = padded(c);
    return nchwc(
      'Conv',
      [x, reshape(scale, [cp, 1, 1, 1]), bias, ...(sum ? [sum] : [])],
      { kernel_shape: { ints: [1, 1] }, group: { int: cp } },
      base,
    );
  };

  // Kernels in MLAS's blocked layouts, from tfjs layouts.
  /** Depthwise [k, k, c, 1] -> [cp, 1, k, k] stored as [cp / bs, k, k, bs]. */
  const depthwiseFilter = (kernel: string, c: number, k: number, rotate: boolean): string => {
    const cp = padded(c);
    let K = reshape(kernel, [k, k, c]);
    if (rotate) K = flip01(K);
    K = padEnd(K, 3, 2, cp - c);
    return reshape(transpose(reshape(K, [k, k, cp / bs, bs]), [2, 0, 1, 3]), [cp, 1, k, k]);
  };
  /** Dense HWIO [k, k, ci, co] -> [cop, cip, k, k] stored as [cop/bs, cip/bs, k, k, bs, bs]
   * (blocked input) or [cop, ci, k, k] stored as [cop/bs, ci, k, k, bs] (plain input, ci < bs). */
  const denseFilter = (K: string, k: number, ci: number, co: number, blockedInput: boolean): string => {
    const cop = padded(co);
    let W = padEnd(K, 4, 3, cop - co);
    if (!blockedInput) {
      return reshape(transpose(reshape(W, [k, k, ci, cop / bs, bs]), [3, 2, 0, 1, 4]), [cop, ci, k, k]);
    }
    const cip = padded(ci);
    W = padEnd(W, 4, 2, cip - ci);
    return reshape(transpose(reshape(W, [k, k, cip / bs, bs, cop / bs, bs]), [4, 2, 0, 1, 3, 5]), [
      cop,
      cip,
      k,
      k,
    ]);
  };

  /** dy [B, cp, oh, ow] blocked, zero-dilated by stride s -> [B, cp, s*oh, s*ow]. */
  const dilate = (dy: string, c: number, oh: number, ow: number, s: number): string => {
    const cp = padded(c);
    const v = reshape(dy, [B, cp / bs, oh, 1, ow, 1, bs]);
    const z = t.op('Pad', [v, t.ints([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, s - 1, 0, s - 1, 0])], {
      mode: { string: 'constant' },
    });
    return reshape(z, [B, cp, s * oh, s * ow]);
  };

  const conv = (x0: Feature, c: ConvSpec): Feature => {
    const { k, stride: s } = c;
    const cin = x0.channels;
    const mult = c.depthwise ? c.cout / cin : 1;
    // Depth multiplier > 1: repeat each input channel `mult` times, then a plain depthwise conv.
    // A plain input is blocked first unless it is narrower than a block and needs no gradient
    // (the image: MLAS's first-layer kernel reads it as it is).
    const x =
      c.depthwise && mult > 1
        ? expandChannels(x0, mult)
        : !x0.blocked && (cin >= bs || c.inputGrad)
          ? toBlocked(x0)
          : x0;
    const ci = x.channels;
    const co = c.cout;
    const pads = k === 1 ? [0, 0, 0, 0] : onnxSamePads(x.h, x.w, k, s);
    const oh = sameOutputSize(x.h, s);
    const ow = sameOutputSize(x.w, s);
    const kp = ctx.param(c.kernel);
    const group = c.depthwise ? padded(co) : 1;
    const W = c.depthwise
      ? depthwiseFilter(kp, co, k, false)
      : denseFilter(kp, k, ci, co, x.blocked === true);
    const attrs = (p: number[], stride: number) => ({
      kernel_shape: { ints: [k, k] },
      strides: { ints: [stride, stride] },
      pads: { ints: p },
      group: { int: group },
    });
    const y = nchwc('Conv', [x.name, W], attrs(pads, s), c.name);
    t.onBackward(() => {
      const dy = t.grad(y);
      if (!dy) return;
      if (c.inputGrad) {
        if (!x.blocked) throw new OnnxTrainError(`${c.name}: no input gradient for a plain-layout input`);
        // dx: dy (zero-dilated by the stride) convolved with the rotated kernel, channels swapped.
        const Wr = c.depthwise
          ? depthwiseFilter(kp, co, k, true)
          : denseFilter(flip01(transpose(kp, [0, 1, 3, 2])), k, co, ci, true);
        let z = dy;
        const end = [x.h - s * oh + pads[0]!, x.w - s * ow + pads[1]!];
        if (s > 1) {
          z = dilate(dy, co, oh, ow, s);
          if (end[0]! < 0 || end[1]! < 0) {
            // Crop the dilation's trailing zeros that fall outside the input.
            const v = reshape(z, [B, padded(co) / bs, s * oh, s * ow, bs]);
            const hw = [s * oh + Math.min(end[0]!, 0), s * ow + Math.min(end[1]!, 0)];
            z = reshape(t.op('Slice', [v, t.ints([0, 0]), t.ints(hw), t.ints([2, 3])]), [
              B,
              padded(co),
              ...hw,
            ]);
          }
        }
        const dxPads = [k - 1 - pads[0]!, k - 1 - pads[1]!, Math.max(end[0]!, 0), Math.max(end[1]!, 0)];
        if (s === 1) {
          dxPads[2] = k - 1 - pads[2]!;
          dxPads[3] = k - 1 - pads[3]!;
        }
        t.addGrad(
          x.name,
          nchwc(
            'Conv',
            [z, Wr],
            { ...attrs(dxPads, 1), group: { int: c.depthwise ? padded(ci) : 1 } },
            `${c.name}/dx`,
          ),
        );
      }
      t.addGrad(
        kp,
        c.depthwise
          ? depthwiseKernelGrad(x, dy, c, cin, pads, oh, ow)
          : denseKernelGrad(x, dy, c, pads, oh, ow),
      );
    });
    return { name: y, channels: co, h: oh, w: ow, blocked: true };
  };

  /** dL/dkernel [k, k, cin, mult] of a depthwise conv: a depthwise convolution of x (batch folded
   * into channels) with dy as the kernel, dilated by the stride, then summed over the batch. */
  const depthwiseKernelGrad = (
    x: Feature,
    dy: string,
    c: ConvSpec,
    cin: number,
    pads: number[],
    oh: number,
    ow: number,
  ) => {
    const { k, stride: s } = c;
    const ch = x.channels;
    const cp = padded(ch);
    const kh = x.h + pads[0]! + pads[2]! - s * (oh - 1);
    const kw = x.w + pads[1]! + pads[3]! - s * (ow - 1);
    const corr = nchwc(
      'Conv',
      [reshape(x.name, [1, B * cp, x.h, x.w]), reshape(dy, [B * cp, 1, oh, ow])],
      {
        kernel_shape: { ints: [oh, ow] },
        pads: { ints: pads },
        dilations: { ints: [s, s] },
        group: { int: B * cp },
      },
      t.scoped('kernel_corr'),
    );
    let g = t.op('ReduceSum', [reshape(corr, [B, cp / bs, kh, kw, bs]), t.ints([0])], {
      keepdims: { int: 0 },
    });
    if (kh !== k || kw !== k) g = t.op('Slice', [g, t.ints([0, 0]), t.ints([k, k]), t.ints([1, 2])]);
    // [cp / bs, k, k, bs] -> [k, k, cp] -> [k, k, cin, mult]
    const kkc = reshape(transpose(g, [1, 2, 0, 3]), [k, k, cp]);
    return reshape(cp === ch ? kkc : sliceTo(kkc, 2, ch), [k, k, cin, ch / cin], `${c.kernel}/grad`);
  };

  /** dL/dkernel [k, k, ci, co] of a dense conv: per tap, a GEMM over batch and positions of the
   * (padded, strided) input window and dy, both NHWC. */
  const denseKernelGrad = (x: Feature, dy: string, c: ConvSpec, pads: number[], oh: number, ow: number) => {
    const { k, stride: s, cout: co } = c;
    const ci = x.channels;
    const rows = B * oh * ow;
    const P = oh * ow;
    // dy · x^T with dy as [co, B·oh·ow] (MLAS multiplies it without transposing, 1.5× faster
    // than x^T · dy). When a map has more positions than input channels, per image instead
    // ([B, co, P] · [B, P, ci], summed over the batch): no transpose of dy.
    const perImage = P > ci;
    const dyPlain = reshape(toPlain(dy, co, false), [B, co, P]);
    const dyT = perImage ? dyPlain : reshape(transpose(dyPlain, [1, 0, 2]), [co, rows]);
    const xNhwc = x.blocked ? toPlain(x.name, ci, true) : transpose(x.name, [0, 2, 3, 1]);
    const gemm = (window: string) =>
      perImage
        ? t.op('ReduceSum', [t.op('MatMul', [dyT, reshape(window, [B, P, ci])]), t.ints([0])], {
            keepdims: { int: 0 },
          })
        : t.op('Gemm', [dyT, reshape(window, [rows, ci])]); // [co, ci]
    // [co, ci] -> [ci, co] through a 3-d view: onnxruntime would fuse a 2-d Transpose back
    // into the Gemm (GemmTransposeFusion), as transposed operands.
    const swap = (m: string, n: number) => transpose(reshape(m, [n, co, ci]), [0, 2, 1]);
    if (k === 1 && s === 1) return reshape(swap(gemm(xNhwc), 1), [1, 1, ci, co], `${c.kernel}/grad`);
    const xp = pads.some((p) => p !== 0)
      ? t.op('Pad', [xNhwc, t.ints([0, pads[0]!, pads[1]!, 0, 0, pads[2]!, pads[3]!, 0])], {
          mode: { string: 'constant' },
        })
      : xNhwc;
    const taps: string[] = [];
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        const window = t.op('Slice', [
          xp,
          t.ints([a, b]),
          t.ints([a + s * (oh - 1) + 1, b + s * (ow - 1) + 1]),
          t.ints([1, 2]),
          t.ints([s, s]),
        ]);
        taps.push(gemm(window));
      }
    }
    return reshape(
      swap(t.op('Concat', taps, { axis: { int: 0 } }), k * k),
      [k, k, ci, co],
      `${c.kernel}/grad`,
    );
  };

  /** Each channel repeated `mult` times (channel c * mult + m reads channel c), blocked. */
  const expandChannels = (x: Feature, mult: number): Feature => {
    const c = x.channels;
    const plain = x.blocked ? toPlain(x.name, c, false) : x.name;
    const e = t.op('Expand', [reshape(plain, [B, c, 1, x.h, x.w]), t.ints([B, c, mult, x.h, x.w])]);
    const expanded: Feature = {
      name: reshape(e, [B, c * mult, x.h, x.w]),
      channels: c * mult,
      h: x.h,
      w: x.w,
    };
    // Registered before toBlocked's rule, so that it runs after it.
    t.onBackward(() => {
      const dy = t.grad(expanded.name);
      if (!dy) return;
      const summed = t.op('ReduceSum', [reshape(dy, [B, c, mult, x.h, x.w]), t.ints([2])], {
        keepdims: { int: 0 },
      });
      t.addGrad(x.name, x.blocked ? reorderInput(summed, c) : summed);
    });
    return toBlocked(expanded);
  };

  const batchNorm = (x: Feature, layer: string): Feature => {
    const C = x.channels;
    const { h, w } = x;
    const m = B * h * w;
    const mean = channelMean(x.name, C, `${layer}/mean`);
    // Σ x² as a dot-product convolution: 7× faster than ReduceSumSquare over the blocked view.
    const meanSq = t.op('Mul', [channelDot(x.name, x.name, C, h, w), t.float(1 / m)]);
    // Biased variance E[x²] - mean² (one read of x, no centered copy), clamped at 0.
    const variance = t.op(
      'Max',
      [t.op('Sub', [meanSq, t.op('Mul', [mean, mean])]), t.float(0)],
      {},
      `${layer}/variance`,
    );
    const rstd = t.op(
      'Reciprocal',
      [t.op('Sqrt', [t.op('Add', [variance, t.float(ctx.epsilon)])])],
      {},
      `${layer}/rstd`,
    );
    const gamma = ctx.param(`${layer}/gamma`);
    const beta = ctx.param(`${layer}/beta`);
    // y = x * a + (beta - mean * a), a = gamma * rstd: one fused pass.
    const a = t.op('Mul', [vector(gamma, C), rstd], {}, `${layer}/scale`);
    const shift = t.op('Sub', [vector(beta, C), t.op('Mul', [mean, a])]);
    const y = affine(x.name, C, a, shift, undefined, layer);
    ctx.updateMoving(layer, unpadVector(mean, C), unpadVector(variance, C));
    t.onBackward(() => {
      const dy = t.grad(y);
      if (!dy) return;
      const sumDy = t.op('Mul', [channelMean(dy, C), t.float(m)]);
      // sum(dy * (x - mean)) = sum(dy * x) - mean * sum(dy)
      const sumDyXc = t.op('Sub', [channelDot(dy, x.name, C, h, w), t.op('Mul', [mean, sumDy])]);
      t.addGrad(beta, unpadVector(sumDy, C));
      t.addGrad(gamma, unpadVector(t.op('Mul', [sumDyXc, rstd]), C));
      // dx = dy * a + (x - mean) * bc + cc = dy * a + x * bc + (cc - mean * bc)
      const negAOverM = t.op('Mul', [a, t.float(-1 / m)]);
      const bc = t.op('Mul', [t.op('Mul', [negAOverM, t.op('Mul', [rstd, rstd])]), sumDyXc]);
      const cc = t.op('Sub', [t.op('Mul', [negAOverM, sumDy]), t.op('Mul', [mean, bc])]);
      const xPart = affine(x.name, C, bc, cc, undefined, t.scoped('dx_x'));
      t.addGrad(x.name, affine(dy, C, a, zerosVector(C), xPart, `${layer}/dx`));
    });
    return { ...x, name: y };
  };
  const zerosVector = (c: number) => t.op('ConstantOfShape', [t.ints([padded(c)])]);

  const globalAveragePool = (x: Feature, name: string): string => {
    const c = x.channels;
    const cp = padded(c);
    const hw = x.h * x.w;
    const flat = imageMeans(x.name, c);
    const y =
      cp === c
        ? t.op('Identity', [flat], {}, name)
        : t.op('Slice', [flat, t.ints([0]), t.ints([c]), t.ints([1])], {}, name);
    t.onBackward(() => {
      const dy = t.grad(y);
      if (!dy) return;
      const dyp = padEnd(dy, 2, 1, cp - c);
      const spread = t.op('Expand', [
        t.op('Mul', [reshape(dyp, [(B * cp) / bs, 1, bs]), t.float(1 / hw)]),
        t.ints([(B * cp) / bs, hw, bs]),
      ]);
      t.addGrad(x.name, reshape(spread, [B, cp, x.h, x.w], `${name}/dx`));
    });
    return y;
  };

  const weightedSum = (xs: Feature[], ws: string[], name: string): string => {
    const { channels: c } = xs[0]!;
    const cp = padded(c);
    let y = '';
    xs.forEach((x, i) => {
      const scale = t.op('Expand', [ws[i]!, t.ints([cp])]);
      y = affine(
        x.name,
        c,
        scale,
        zerosVector(c),
        i > 0 ? y : undefined,
        i === xs.length - 1 ? name : undefined,
      );
    });
    return y;
  };
  const dot = (a: string, x: Feature): string =>
    t.op('ReduceSum', [channelDot(a, x.name, x.channels, x.h, x.w)], { keepdims: { int: 1 } });

  return { conv, unblock, batchNorm, globalAveragePool, weightedSum, dot };
}
