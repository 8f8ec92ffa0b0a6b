import { join } from 'node:path';
import { PNG } from 'pngjs';
import { DatasetFormatError, DatasetNotFoundError, DatasetOptionError } from './errors';
import { IDX_IMAGES_MAGIC } from './idx';
import { type DecodedImage, decodeImage, fitImage, IMAGE_LIMITS, readImageFile } from './read-image-file';
import { idxBytes, tempDir, writeBytes } from './test-utils/files';

/** A 3×2 RGBA test picture: pixel p has R = 10p+1, G = 10p+2, B = 10p+3, A = alpha(p). */
function rgba(alpha: (p: number) => number = () => 255): Buffer {
  const b = Buffer.alloc(3 * 2 * 4);
  for (let p = 0; p < 6; p++) b.set([10 * p + 1, 10 * p + 2, 10 * p + 3, alpha(p)], 4 * p);
  return b;
}

function pngBytes(data: Buffer, colorType: 0 | 2 | 6): Buffer {
  const png = new PNG({ width: 3, height: 2 });
  data.copy(png.data);
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true });
}

function npy(descr: string, shape: number[], data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return new Uint8Array(Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data)]));
}

describe('readImageFile / decodeImage', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());

  it('decodes an RGB PNG to 3 channels', () => {
    const img = readImageFile(writeBytes(join(t.dir, 'rgb.png'), pngBytes(rgba(), 2)));
    expect([img.height, img.width, img.channels]).toEqual([2, 3, 3]);
    expect([...img.data.subarray(0, 6)]).toEqual([1, 2, 3, 11, 12, 13]);
  });

  it('decodes a gray PNG to 1 channel and composites alpha over black', () => {
    const gray = decodeImage(pngBytes(rgba(), 0), 'gray.png');
    expect(gray.channels).toBe(1);
    expect(gray.data).toHaveLength(6);
    const half = decodeImage(
      pngBytes(
        rgba((p) => (p === 1 ? 0 : p === 2 ? 128 : 255)),
        6,
      ),
      'a.png',
    );
    expect(half.channels).toBe(3);
    expect([...half.data.subarray(3, 9)]).toEqual([
      0,
      0,
      0,
      Math.round((21 * 128) / 255),
      11,
      Math.round((23 * 128) / 255),
    ]);
    expect([...half.data.subarray(0, 3)]).toEqual([1, 2, 3]);
  });

  it('reads gzipped files', () => {
    const img = readImageFile(writeBytes(join(t.dir, 'rgb.png.gz'), pngBytes(rgba(), 2), true));
    expect(img.channels).toBe(3);
  });

  it('decodes binary and ASCII Netpbm, 8 and 16 bits', () => {
    const p5 = decodeImage(Buffer.from([...Buffer.from('P5\n# c\n2 1\n255\n'), 7, 250]), 'a.pgm');
    expect(p5).toMatchObject({ height: 1, width: 2, channels: 1 });
    expect([...p5.data]).toEqual([7, 250]);
    const p6 = decodeImage(Buffer.from([...Buffer.from('P6 1 1 255 '), 1, 2, 3]), 'a.ppm');
    expect([...p6.data]).toEqual([1, 2, 3]);
    const p2 = decodeImage(Buffer.from('P2\n2 2\n15\n0 15\n5 10\n'), 'a.pgm');
    expect([...p2.data]).toEqual([0, 255, 85, 170]);
    const p5w = decodeImage(Buffer.from([...Buffer.from('P5 1 1 65535\n'), 0xff, 0xff]), 'w.pgm');
    expect([...p5w.data]).toEqual([255]);
  });

  it('decodes uint8 .npy arrays of image shapes', () => {
    const hw = decodeImage(npy('|u1', [2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6])), 'a.npy');
    expect(hw).toMatchObject({ height: 2, width: 3, channels: 1 });
    const nhwc = Uint8Array.from({ length: 2 * 1 * 2 * 3 }, (_, i) => i);
    const second = decodeImage(npy('|u1', [2, 1, 2, 3], nhwc), 'b.npy', { index: 1 });
    expect(second).toMatchObject({ height: 1, width: 2, channels: 3, source: 'b.npy:1' });
    expect([...second.data]).toEqual([6, 7, 8, 9, 10, 11]);
    expect(() => decodeImage(npy('<f4', [1, 1], new Uint8Array(4)), 'f.npy')).toThrow(
      /dtype <f4 is not supported/,
    );
  });

  it('takes one image of an IDX file by index', () => {
    const bytes = idxBytes(IDX_IMAGES_MAGIC, [3, 1, 2], [1, 2, 3, 4, 5, 6]);
    const img = readImageFile(writeBytes(join(t.dir, 'x.idx'), bytes), { index: 2 });
    expect([...img.data]).toEqual([5, 6]);
    expect(() => decodeImage(bytes, 'x.idx', { index: 3 })).toThrow(DatasetOptionError);
    expect(() => decodeImage(bytes, 'x.idx', { index: 3 })).toThrow(
      /index 3 out of range: the file holds 3 images/,
    );
  });

  it('names the file and the problem for unknown, truncated or missing inputs', () => {
    expect(() => decodeImage(Buffer.from('GIF89a'), 'x.gif')).toThrow(DatasetFormatError);
    expect(() => decodeImage(Buffer.from('GIF89a'), 'x.gif')).toThrow(
      /x\.gif: unknown image format .*expected PNG/,
    );
    expect(() => decodeImage(Buffer.from('P5 4 4 255\n\x01'), 't.pgm')).toThrow(
      /t\.pgm: truncated: expected 27 bytes/,
    );
    const png = pngBytes(rgba(), 2);
    expect(() => decodeImage(png.subarray(0, 40), 'cut.png')).toThrow(/cut\.png: invalid PNG/);
    expect(() => readImageFile(join(t.dir, 'none.png'))).toThrow(DatasetNotFoundError);
  });

  it('says "empty file" for 0 bytes (it printed an empty byte list)', () => {
    const empty = writeBytes(join(t.dir, 'empty.png'), new Uint8Array(0));
    expect(() => readImageFile(empty)).toThrow(DatasetFormatError);
    expect(() => readImageFile(empty)).toThrow(/empty\.png: empty file \(0 bytes\): expected PNG/);
  });

  it('refuses sizes above IMAGE_LIMITS from the header, before decoding, naming them', () => {
    // A PNG whose IHDR claims 100000×100000 (CRC now wrong: the header is judged first).
    const png = Buffer.from(pngBytes(rgba(), 2));
    png.writeUInt32BE(100_000, 16);
    png.writeUInt32BE(100_000, 20);
    const tooLarge =
      /image of 100000×100000 pixels \(from its header\) is too large: at most 16384 per side and 33554432 pixels/;
    expect(() => decodeImage(png, 'big.png')).toThrow(tooLarge);
    expect(() => decodeImage(Buffer.from('P5 100000 100000 255\n\x01'), 'big.pgm')).toThrow(tooLarge);
    expect(() => decodeImage(Buffer.from('P2 8000 8000 255\n1 2 3'), 'wide.pgm')).toThrow(
      /image of 8000×8000 pixels \(from its header\) is too large/,
    );
    expect(() => decodeImage(npy('|u1', [1, 0], new Uint8Array(0)), 'flat.npy')).toThrow(
      /flat\.npy: image of 0×1 pixels: must be at least 1×1/,
    );
    expect(IMAGE_LIMITS).toEqual({ maxSide: 16384, maxPixels: 2 ** 25 });
    expect(() => decodeImage(png.subarray(0, 20), 'cut.png')).toThrow(
      /cut\.png: invalid PNG: truncated header \(20 bytes\)/,
    );
  });
});

describe('fitImage', () => {
  const gray: DecodedImage = {
    data: Uint8Array.from([0, 100, 200, 50]),
    height: 2,
    width: 2,
    channels: 1,
    source: 'g',
  };

  it('returns a copy when the shape already fits', () => {
    const out = fitImage(gray, { height: 2, width: 2, channels: 1 });
    expect(out).toEqual(gray.data);
    expect(out).not.toBe(gray.data);
  });

  it('converts gray to RGB and RGB to gray (ITU-R 601 luma)', () => {
    expect([...fitImage(gray, { height: 2, width: 2, channels: 3 }).subarray(0, 6)]).toEqual([
      0, 0, 0, 100, 100, 100,
    ]);
    const rgb: DecodedImage = {
      data: Uint8Array.from([255, 0, 0, 0, 0, 255]),
      height: 1,
      width: 2,
      channels: 3,
      source: 'c',
    };
    expect([...fitImage(rgb, { height: 1, width: 2, channels: 1 })]).toEqual([76, 29]);
  });

  it('resizes bilinearly with half-pixel centres', () => {
    const row: DecodedImage = {
      data: Uint8Array.from([0, 100]),
      height: 1,
      width: 2,
      channels: 1,
      source: 'r',
    };
    expect([...fitImage(row, { height: 1, width: 4, channels: 1 })]).toEqual([0, 25, 75, 100]);
    const flat: DecodedImage = {
      data: new Uint8Array(36).fill(9),
      height: 6,
      width: 6,
      channels: 1,
      source: 'f',
    };
    expect(new Set(fitImage(flat, { height: 4, width: 3, channels: 1 }))).toEqual(new Set([9]));
    expect(() => fitImage(gray, { height: 2, width: 2, channels: 2 })).toThrow(
      /cannot convert 1 channels to 2/,
    );
  });
});
