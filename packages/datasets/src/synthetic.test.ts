import { DatasetOptionError } from './errors';
import { checkDataset, classCounts, type ImageDataset } from './image-dataset';
import { SYNTHETIC_DEFAULTS, syntheticDataset } from './synthetic';
import { hex } from './test-utils/files';

/**
 * Texture features a convolution can compute: mean absolute difference between each pixel
 * and its neighbour at offsets along 4 directions and 3 distances (translation invariant,
 * like conv + global pooling).
 */
function features(ds: ImageDataset, i: number): number[] {
  const { height: H, width: W, channels: C } = ds;
  const base = i * H * W * C;
  const out: number[] = [];
  for (const d of [1, 2, 3, 6])
    for (const [oy, ox] of [
      [0, d],
      [d, 0],
      [d, d],
      [d, -d],
    ] as const) {
      let s = 0;
      let n = 0;
      for (let y = 0; y + oy < H; y++)
        for (let x = Math.max(0, -ox); x < W && x + ox < W; x++) {
          const v = ds.images[base + (y * W + x) * C]! - ds.images[base + ((y + oy) * W + x + ox) * C]!;
          s += v < 0 ? -v : v;
          n++;
        }
      out.push(s / n);
    }
  return out;
}

describe('syntheticDataset', () => {
  it('has the requested shape, balanced labels and valid invariants', () => {
    const ds = syntheticDataset({ count: 40, height: 8, width: 12, channels: 3, classes: 4, seed: 0 });
    expect(checkDataset(ds)).toBe(ds);
    expect(ds).toMatchObject({ count: 40, height: 8, width: 12, channels: 3, classes: 4 });
    expect(classCounts(ds)).toEqual([10, 10, 10, 10]);
    expect(ds.classNames).toEqual(['sine 0° /3px', 'sine 45° /3px', 'sine 90° /3px', 'sine 135° /3px']);
    expect(ds.source).toMatch(/^synthetic:seed=0,/);
  });

  it('uses the documented defaults', () => {
    const ds = syntheticDataset({ count: 10 });
    expect([ds.height, ds.width, ds.channels, ds.classes]).toEqual([
      SYNTHETIC_DEFAULTS.height,
      SYNTHETIC_DEFAULTS.width,
      SYNTHETIC_DEFAULTS.channels,
      SYNTHETIC_DEFAULTS.classes,
    ]);
  });

  it('is deterministic per seed and differs between seeds (0 is a seed)', () => {
    const a = syntheticDataset({ count: 20, seed: 0 });
    expect(hex(syntheticDataset({ count: 20, seed: 0 }).images)).toBe(hex(a.images));
    expect(hex(syntheticDataset({ count: 20 }).images)).toBe(hex(a.images));
    expect(hex(syntheticDataset({ count: 20, seed: 1 }).images)).not.toBe(hex(a.images));
  });

  it('classes are separable by translation-invariant texture features (nearest centroid, held-out seed)', () => {
    const classes = 10;
    const train = syntheticDataset({ count: 300, classes, seed: 1 });
    const test = syntheticDataset({ count: 200, classes, seed: 2 });
    const centroids = Array.from({ length: classes }, () => new Array<number>(16).fill(0));
    for (let i = 0; i < train.count; i++) {
      const f = features(train, i);
      const c = centroids[train.labels[i]!]!;
      f.forEach((v, k) => {
        c[k]! += v / (train.count / classes);
      });
    }
    let correct = 0;
    for (let i = 0; i < test.count; i++) {
      const f = features(test, i);
      const dist = centroids.map((c) => c.reduce((s, v, k) => s + (v - f[k]!) ** 2, 0));
      if (dist.indexOf(Math.min(...dist)) === test.labels[i]) correct++;
    }
    expect(correct / test.count).toBeGreaterThan(0.9);
  });

  it('rejects invalid options', () => {
    expect(() => syntheticDataset({ classes: 25 })).toThrow(
      /invalid classes \(25\): must be an integer in \[1, 24\]/,
    );
    expect(() => syntheticDataset({ height: 0 })).toThrow(DatasetOptionError);
    expect(() => syntheticDataset({ noise: -1 })).toThrow(/invalid noise \(-1\)/);
  });
});
