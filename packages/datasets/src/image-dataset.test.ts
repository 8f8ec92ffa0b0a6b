import { DatasetOptionError } from './errors';
import { channelStats, checkDataset, classCounts, type ImageDataset, limitDataset } from './image-dataset';
import { syntheticDataset } from './synthetic';

describe('limitDataset', () => {
  const ds = syntheticDataset({ count: 30, height: 4, width: 4, channels: 1, classes: 3, seed: 0 });

  it('keeps the first n examples as views', () => {
    const small = limitDataset(ds, 7);
    expect(small.count).toBe(7);
    expect(small.images).toEqual(ds.images.subarray(0, 7 * 16));
    expect(small.labels).toEqual(ds.labels.subarray(0, 7));
    expect(small.images.buffer).toBe(ds.images.buffer);
    expect(small.source).toBe(`${ds.source} (first 7)`);
    expect(checkDataset(small)).toBe(small);
  });

  it('returns the dataset itself when n >= count, and an empty one for 0', () => {
    expect(limitDataset(ds, 30)).toBe(ds);
    expect(limitDataset(ds, 1000)).toBe(ds);
    expect(limitDataset(ds, 0).count).toBe(0);
  });

  it('rejects a negative or fractional limit', () => {
    expect(() => limitDataset(ds, -1)).toThrow(/invalid limit \(-1\)/);
    expect(() => limitDataset(ds, 1.5)).toThrow(DatasetOptionError);
  });
});

describe('checkDataset / classCounts', () => {
  const ds = syntheticDataset({ count: 6, height: 2, width: 2, classes: 3, seed: 0 });

  it('counts labels per class', () => {
    expect(classCounts(ds)).toEqual([2, 2, 2]);
  });

  it('rejects inconsistent arrays and out-of-range labels', () => {
    expect(() => checkDataset({ ...ds, images: ds.images.subarray(1) })).toThrow(
      /images has 23 bytes, expected/,
    );
    expect(() => checkDataset({ ...ds, labels: Uint8Array.from([0, 1, 2, 3, 0, 1]) })).toThrow(
      /label 3 at index 3 is not in \[0, 3\)/,
    );
    expect(() => checkDataset({ ...ds, classNames: ['a'] })).toThrow(DatasetOptionError);
  });
});

describe('channelStats', () => {
  it('gives per-channel mean and std of pixels in [0, 1]', () => {
    // 2 pixels × 2 channels: channel 0 = {0, 255}, channel 1 = {51, 51}.
    const ds: ImageDataset = {
      images: Uint8Array.from([0, 51, 255, 51]),
      labels: Uint8Array.from([0, 0]),
      count: 2,
      height: 1,
      width: 1,
      channels: 2,
      classes: 1,
      classNames: ['a'],
      source: 'test',
    };
    const { mean, std } = channelStats(ds);
    expect(mean[0]).toBeCloseTo(0.5, 12);
    expect(mean[1]).toBeCloseTo(0.2, 12);
    expect(std[0]).toBeCloseTo(0.5, 12);
    expect(std[1]).toBeCloseTo(0, 6);
  });
});
