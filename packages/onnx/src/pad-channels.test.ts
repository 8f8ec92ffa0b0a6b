import { handSpec } from '@randwire/spec/testing';
import { ExportError } from './errors';
import {
  checkPadChannels,
  PAD_CHANNELS_ALLOWED,
  padBatchNorm,
  padConvKernel,
  planChannels,
  roundUpChannels,
} from './pad-channels';

const seq = (n: number) => Float32Array.from({ length: n }, (_, i) => i + 1);

describe('checkPadChannels', () => {
  it('accepts 0, 1 and powers of two up to 64; 0 and 1 mean no padding', () => {
    expect(PAD_CHANNELS_ALLOWED.map((v) => checkPadChannels(v))).toEqual([1, 1, 2, 4, 8, 16, 32, 64]);
  });
  it.each([3, 12, 128, -16, 16.5, Number.NaN, '16'])(
    'rejects %p naming the option and what is allowed',
    (v) => {
      expect(() => checkPadChannels(v)).toThrow(ExportError);
      expect(() => checkPadChannels(v)).toThrow(
        new RegExp(
          `invalid padChannels \\(${String(v).replace('.', '\\.')}\\): must be 0 or 1 \\(off\\) or a power of two 2\\.\\.64`,
        ),
      );
    },
  );
});

describe('planChannels', () => {
  it('rounds every internal tensor up, not the image nor the head output', () => {
    const spec = handSpec({
      imageChannels: 3,
      stem: [
        [1, 39, false],
        [1, 78, true],
      ],
      stages: [
        [5, 78, true],
        [4, 156, true],
      ],
      headChannels: 1000,
    });
    expect(roundUpChannels(78, 16)).toBe(80);
    expect(planChannels(spec, 16)).toEqual({
      block: 16,
      stem: [48, 80],
      stages: [
        { in: 80, out: 80 },
        { in: 80, out: 160 },
      ],
      headIn: 160,
    });
    expect(planChannels(spec, 1).stages).toEqual([
      { in: 78, out: 78 },
      { in: 78, out: 156 },
    ]);
  });
  it('multiplies the padded input of a depthwise-3x3 stage by its multiplier', () => {
    const spec = handSpec({
      transform: 'depthwise-3x3',
      stem: [[1, 3, false]],
      stages: [
        [5, 6, true],
        [4, 6, true],
      ],
    });
    // 3 -> 8; x2 -> 16 (not the next multiple 8 of 6); x1 -> 16
    expect(planChannels(spec, 8).stages).toEqual([
      { in: 8, out: 16 },
      { in: 16, out: 16 },
    ]);
  });
});

describe('padConvKernel', () => {
  it('adds zero rows and columns to a dense kernel', () => {
    // [2 out, 3 in, 1, 2]
    const k = padConvKernel({ data: seq(12), shape: [2, 3, 1, 2] }, 1, 4, 3);
    expect(k.shape).toEqual([3, 4, 1, 2]);
    expect(k.group).toBe(1);
    expect(Array.from(k.data)).toEqual([
      1, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });
  it('adds zero filters to a depthwise kernel and makes the group count the padded one', () => {
    // 3 channels, multiplier 2: [6, 1, 1, 1], group 3 -> 4 channels, 8 outputs
    const k = padConvKernel({ data: seq(6), shape: [6, 1, 1, 1] }, 3, 4, 8);
    expect(k).toEqual({ data: Float32Array.from([1, 2, 3, 4, 5, 6, 0, 0]), shape: [8, 1, 1, 1], group: 4 });
  });
  it('returns the kernel unchanged when nothing grows', () => {
    const data = seq(6);
    expect(padConvKernel({ data, shape: [3, 2, 1, 1] }, 1, 2, 3).data).toBe(data);
  });
  it('refuses to shrink or to change a depthwise multiplier', () => {
    expect(() => padConvKernel({ data: seq(6), shape: [3, 2, 1, 1] }, 1, 1, 3)).toThrow(
      /cannot remove channels/,
    );
    expect(() => padConvKernel({ data: seq(6), shape: [6, 1, 1, 1] }, 3, 4, 10)).toThrow(
      /keeps its multiplier 2: needs 8 outputs/,
    );
  });
});

describe('padBatchNorm', () => {
  it('pads gamma, beta and the mean with 0 and the variance with 1', () => {
    const p = padBatchNorm({ gamma: seq(2), beta: seq(2), mean: seq(2), variance: seq(2) }, 4);
    expect(Array.from(p.gamma)).toEqual([1, 2, 0, 0]);
    expect(Array.from(p.beta)).toEqual([1, 2, 0, 0]);
    expect(Array.from(p.mean)).toEqual([1, 2, 0, 0]);
    expect(Array.from(p.variance)).toEqual([1, 2, 1, 1]);
  });
});
