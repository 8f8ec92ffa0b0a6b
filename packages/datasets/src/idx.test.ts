import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  DatasetError,
  DatasetFormatError,
  DatasetMismatchError,
  DatasetNotFoundError,
  DatasetOptionError,
} from './errors';
import {
  IDX_IMAGES_MAGIC,
  IDX_IMAGES_NHWC_MAGIC,
  IDX_LABELS_MAGIC,
  parseIdx,
  readIdxDataset,
  readIdxFile,
} from './idx';
import { MAX_GUNZIP_BYTES } from './read-binary';
import { idxBytes, pattern, tempDir, writeBytes } from './test-utils/files';

describe('IDX reader', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());
  const images = pattern(5, 4 * 3);
  const labels = [0, 2, 1, 2, 0];
  const imgRaw = writeBytes(join(t.dir, 'img'), idxBytes(IDX_IMAGES_MAGIC, [5, 4, 3], images));
  const labRaw = writeBytes(join(t.dir, 'lab'), idxBytes(IDX_LABELS_MAGIC, [5], labels));
  const imgGz = writeBytes(join(t.dir, 'img.gz'), idxBytes(IDX_IMAGES_MAGIC, [5, 4, 3], images), true);
  const labGz = writeBytes(join(t.dir, 'lab.gz'), idxBytes(IDX_LABELS_MAGIC, [5], labels), true);

  it.each([
    ['raw', imgRaw, labRaw],
    ['gzipped', imgGz, labGz],
  ])('reads %s files into an NHWC dataset', (_, ip, lp) => {
    const ds = readIdxDataset(ip, lp);
    expect(ds).toMatchObject({ count: 5, height: 4, width: 3, channels: 1, classes: 3 });
    expect(ds.images).toEqual(images);
    expect(ds.labels).toEqual(Uint8Array.from(labels));
    expect(ds.classNames).toEqual(['0', '1', '2']);
    expect(ds.source).toContain(ip);
  });

  it('takes class names and a class count from options', () => {
    const ds = readIdxDataset(imgRaw, labRaw, { classNames: ['a', 'b', 'c', 'd'] });
    expect(ds.classes).toBe(4);
    expect(ds.classNames).toEqual(['a', 'b', 'c', 'd']);
    expect(readIdxDataset(imgRaw, labRaw, { classes: 10 }).classNames).toHaveLength(10);
  });

  it('reads 4-dimensional (NHWC) image files', () => {
    const px = pattern(5, 2 * 2 * 3);
    const p = writeBytes(join(t.dir, 'nhwc'), idxBytes(IDX_IMAGES_NHWC_MAGIC, [5, 2, 2, 3], px));
    const ds = readIdxDataset(p, labGz);
    expect([ds.height, ds.width, ds.channels]).toEqual([2, 2, 3]);
    expect(ds.images).toEqual(px);
  });

  it('rejects a wrong magic number, naming the file, the found and the expected magic', () => {
    expect(() => readIdxDataset(labRaw, labRaw)).toThrow(DatasetFormatError);
    expect(() => readIdxDataset(labRaw, labRaw)).toThrow(
      /lab: wrong magic number 0x00000801: expected 0x00000803/,
    );
    expect(() => readIdxDataset(imgRaw, imgGz)).toThrow(
      /img\.gz: wrong magic number 0x00000803: expected 0x00000801/,
    );
  });

  it('rejects truncated files, with expected and found sizes', () => {
    const full = idxBytes(IDX_IMAGES_MAGIC, [5, 4, 3], images);
    const p = writeBytes(join(t.dir, 'trunc.gz'), full.subarray(0, full.length - 7), true);
    expect(() => readIdxDataset(p, labRaw)).toThrow(DatasetFormatError);
    expect(() => readIdxDataset(p, labRaw)).toThrow(/trunc\.gz: truncated: .*expected 76 bytes, found 69/);
    const head = writeBytes(join(t.dir, 'head'), full.subarray(0, 10));
    expect(() => readIdxDataset(head, labRaw)).toThrow(
      /head: truncated header: 10 bytes, expected at least 16/,
    );
    const tiny = writeBytes(join(t.dir, 'tiny'), full.subarray(0, 2));
    expect(() => readIdxDataset(tiny, labRaw)).toThrow(/tiny: file is 2 bytes, too short/);
  });

  it('rejects files with trailing bytes', () => {
    const p = writeBytes(join(t.dir, 'long'), idxBytes(IDX_LABELS_MAGIC, [5], [...labels, 9, 9]));
    expect(() => readIdxDataset(imgRaw, p)).toThrow(/long: wrong size: .*expected 13 bytes, found 15/);
  });

  it('rejects image and label files of different counts', () => {
    const p = writeBytes(join(t.dir, 'lab4'), idxBytes(IDX_LABELS_MAGIC, [4], [0, 1, 2, 0]));
    expect(() => readIdxDataset(imgRaw, p)).toThrow(DatasetMismatchError);
    expect(() => readIdxDataset(imgRaw, p)).toThrow(/img has 5 images but .*lab4 has 4 labels/);
  });

  it('rejects labels outside the class range', () => {
    expect(() => readIdxDataset(imgRaw, labRaw, { classNames: ['a', 'b'] })).toThrow(
      /lab: label 2 at index 1 is out of range: expected 0\.\.1/,
    );
    expect(() => readIdxDataset(imgRaw, labRaw, { classes: 3, classNames: ['a'] })).toThrow(
      DatasetOptionError,
    );
  });

  it('rejects corrupt gzip data as a format error with the zlib error as cause', () => {
    const gz = idxBytes(IDX_LABELS_MAGIC, [5], labels);
    const bytes = gzipSync(gz);
    const p = writeBytes(join(t.dir, 'bad.gz'), bytes.subarray(0, bytes.length - 6));
    let err: unknown;
    try {
      readIdxDataset(imgRaw, p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetFormatError);
    expect((err as Error).message).toMatch(/bad\.gz: corrupt or truncated gzip data/);
    // zlib's error (another realm under jest, so matched by shape, not class).
    expect((err as Error).cause).toMatchObject({ code: expect.stringMatching(/^Z_/) });
  });

  it('refuses gzip data that decompresses beyond MAX_GUNZIP_BYTES, naming the limit', () => {
    // 17 gzip members of 64 MiB of zeros each (~1 MB on disk) decompress to 1.06 GiB.
    const member = gzipSync(new Uint8Array(2 ** 26));
    const p = writeBytes(join(t.dir, 'bomb.gz'), Buffer.concat(Array(17).fill(member)));
    expect(() => readIdxFile(p)).toThrow(DatasetFormatError);
    expect(() => readIdxFile(p)).toThrow(
      new RegExp(`bomb\\.gz: gzip data decompresses to more than ${MAX_GUNZIP_BYTES} bytes \\(the limit\\)`),
    );
  });

  it('names a missing file and says what to pass', () => {
    const missing = join(t.dir, 'nope.gz');
    expect(() => readIdxDataset(missing, labRaw)).toThrow(DatasetNotFoundError);
    expect(() => readIdxDataset(missing, labRaw)).toThrow(
      /nope\.gz: no such file; pass the paths of existing IDX/,
    );
    expect(() => readIdxDataset(t.dir, labRaw, { notFoundHint: 'try X' })).toThrow(/is a folder; try X/);
    expect(() => readIdxFile(missing)).toThrow(DatasetError);
  });

  it('parseIdx returns dims and a plain Uint8Array view', () => {
    const a = parseIdx(idxBytes(IDX_LABELS_MAGIC, [3], [7, 8, 9]), 'mem', [IDX_LABELS_MAGIC]);
    expect(a.dims).toEqual([3]);
    expect(a.data.constructor).toBe(Uint8Array);
    expect([...a.data]).toEqual([7, 8, 9]);
  });
});
