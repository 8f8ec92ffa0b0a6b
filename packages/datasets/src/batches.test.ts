import { batchCount, batches } from './batches';
import { DatasetOptionError } from './errors';
import type { ImageDataset } from './image-dataset';
import { syntheticDataset } from './synthetic';

const ds: ImageDataset = syntheticDataset({
  count: 50,
  height: 6,
  width: 5,
  channels: 2,
  classes: 5,
  seed: 1,
});
const size = 6 * 5 * 2;
const all = (opts: Parameters<typeof batches>[1]) => [...batches(ds, opts)];
const flat = (bs: ReturnType<typeof all>, key: 'indices' | 'labels') => bs.flatMap((b) => [...b[key]]);

describe('batches', () => {
  it('visits every example once per epoch; images and labels match the indices', () => {
    const bs = all({ batchSize: 16, seed: 3 });
    expect(bs.map((b) => b.size)).toEqual([16, 16, 16, 2]);
    expect(bs.map((b) => b.batch)).toEqual([0, 1, 2, 3]);
    expect(flat(bs, 'indices').sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const b of bs) {
      expect(b.images).toHaveLength(b.size * size);
      b.indices.forEach((idx, i) => {
        expect(b.labels[i]).toBe(ds.labels[idx]);
        expect(b.images.subarray(i * size, (i + 1) * size)).toEqual(
          ds.images.subarray(idx * size, (idx + 1) * size),
        );
      });
    }
  });

  it('is deterministic per (seed, epoch); seeds and epochs change the order; 0 is a seed', () => {
    const a = flat(all({ batchSize: 8, seed: 0, epoch: 0 }), 'indices');
    expect(flat(all({ batchSize: 8, seed: 0, epoch: 0 }), 'indices')).toEqual(a);
    expect(flat(all({ batchSize: 8, epoch: 0 }), 'indices')).toEqual(a);
    expect(flat(all({ batchSize: 8, seed: 1, epoch: 0 }), 'indices')).not.toEqual(a);
    expect(flat(all({ batchSize: 8, seed: 0, epoch: 1 }), 'indices')).not.toEqual(a);
    // The order does not depend on the batch size.
    expect(flat(all({ batchSize: 7, seed: 0, epoch: 0 }), 'indices')).toEqual(a);
  });

  it('keeps dataset order without shuffle and drops a short last batch on request', () => {
    const bs = all({ batchSize: 16, shuffle: false, dropLast: true });
    expect(bs).toHaveLength(3);
    expect(flat(bs, 'indices')).toEqual(Array.from({ length: 48 }, (_, i) => i));
    expect(batchCount(50, 16)).toBe(4);
    expect(batchCount(50, 16, true)).toBe(3);
  });

  it('startBatch resumes mid-epoch with the same batches', () => {
    const full = all({ batchSize: 8, seed: 4, epoch: 2, augment: true });
    const rest = all({ batchSize: 8, seed: 4, epoch: 2, augment: true, startBatch: 3 });
    expect(rest).toEqual(full.slice(3));
  });

  it('augmentation is deterministic per (seed, epoch), changes images, and not labels', () => {
    const opts = { batchSize: 10, seed: 2, epoch: 0, augment: { padding: 2, flip: true } };
    const a = all(opts);
    expect(all(opts)).toEqual(a);
    const plain = all({ ...opts, augment: false });
    expect(flat(a, 'indices')).toEqual(flat(plain, 'indices'));
    expect(flat(a, 'labels')).toEqual(flat(plain, 'labels'));
    expect(a.map((b) => b.images)).not.toEqual(plain.map((b) => b.images));
    const otherSeed = all({ ...opts, seed: 3, shuffle: false });
    const sameSeedUnshuffled = all({ ...opts, shuffle: false });
    expect(otherSeed.map((b) => b.images)).not.toEqual(sameSeedUnshuffled.map((b) => b.images));
    const otherEpoch = all({ ...opts, epoch: 1, shuffle: false });
    expect(otherEpoch.map((b) => b.images)).not.toEqual(sameSeedUnshuffled.map((b) => b.images));
  });

  it("an example's augmentation does not depend on batch size or order", () => {
    const byIndex = (bs: ReturnType<typeof all>) => {
      const m = new Map<number, string>();
      for (const b of bs)
        b.indices.forEach((idx, i) => {
          m.set(idx, b.images.subarray(i * size, (i + 1) * size).join());
        });
      return m;
    };
    const a = byIndex(all({ batchSize: 5, seed: 9, augment: true }));
    const b = byIndex(all({ batchSize: 13, seed: 9, augment: true, shuffle: false }));
    expect(b).toEqual(a);
  });

  it('rejects invalid options with DatasetOptionError naming the value', () => {
    expect(() => all({ batchSize: 0 })).toThrow(/batches: invalid batchSize \(0\): must be an integer >= 1/);
    expect(() => all({ batchSize: 2.5 })).toThrow(DatasetOptionError);
    expect(() => all({ batchSize: 4, seed: Number.NaN })).toThrow(/invalid seed \(NaN\)/);
    expect(() => all({ batchSize: 4, epoch: -1 })).toThrow(/invalid epoch \(-1\)/);
    expect(() => all({ batchSize: 4, augment: { padding: -1 } })).toThrow(/invalid augment\.padding \(-1\)/);
  });
});
