import { OnnxError } from './errors';
import { depthwiseToOnnx, hwioToOihw, nchwToNhwc, nhwcToNchw, normalizeUint8ToNchw } from './layout';

const iota = (n: number) => Float32Array.from({ length: n }, (_, i) => i);

describe('layout conversions', () => {
  it('NHWC → NCHW moves element (b, y, x, c) to (b, c, y, x), and back', () => {
    const [n, h, w, c] = [2, 3, 4, 5];
    const a = iota(n * h * w * c);
    const t = nhwcToNchw(a, [n, h, w, c]);
    expect(t[((1 * c + 4) * h + 2) * w + 3]).toBe(a[((1 * h + 2) * w + 3) * c + 4]);
    expect(Array.from(nchwToNhwc(t, [n, c, h, w]))).toEqual(Array.from(a));
  });

  it('HWIO → OIHW', () => {
    const shape = [3, 2, 4, 5];
    const a = iota(3 * 2 * 4 * 5);
    const { data, shape: s } = hwioToOihw(a, shape);
    expect(s).toEqual([5, 4, 3, 2]);
    // K[y=2, x=1, i=3, o=4] → W[o=4, i=3, y=2, x=1]
    expect(data[((4 * 4 + 3) * 3 + 2) * 2 + 1]).toBe(a[((2 * 2 + 1) * 4 + 3) * 5 + 4]);
  });

  it('depthwise [kh, kw, C, mult] → [C·mult, 1, kh, kw] with output channel c·mult + m', () => {
    const a = iota(3 * 3 * 4 * 2);
    const { data, shape, group } = depthwiseToOnnx(a, [3, 3, 4, 2]);
    expect(shape).toEqual([8, 1, 3, 3]);
    expect(group).toBe(4);
    // K[y=1, x=2, c=3, m=1] → W[3*2+1, 0, 1, 2]
    expect(data[(7 * 3 + 1) * 3 + 2]).toBe(a[((1 * 3 + 2) * 4 + 3) * 2 + 1]);
  });

  it('normalizes uint8 NHWC to float NCHW per channel', () => {
    const img = Uint8Array.from([0, 255, 51, 102]); // 1 image, 1x2, 2 channels
    const out = normalizeUint8ToNchw(img, [1, 1, 2, 2], { mean: [0.5, 0.1], std: [0.5, 0.2] });
    expect(Array.from(out)).toEqual([
      Math.fround((0 - 0.5) / 0.5),
      Math.fround((51 / 255 - 0.5) / 0.5),
      Math.fround((1 - 0.1) / 0.2),
      Math.fround((102 / 255 - 0.1) / 0.2),
    ]);
  });

  it('rejects data whose size does not match the shape', () => {
    expect(() => nhwcToNchw(iota(5), [1, 2, 2, 1])).toThrow(OnnxError);
    expect(() =>
      normalizeUint8ToNchw(new Uint8Array(4), [1, 2, 2, 1], { mean: [0, 0], std: [1, 1] }),
    ).toThrow(/mean\/std have 2\/2 entries, images have 1 channels/);
  });
});
