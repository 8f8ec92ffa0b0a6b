// Single images for `randwire predict`: PNG (via pngjs), Netpbm (P2/P3/P5/P6), NumPy .npy of
// uint8, and IDX image files (one image chosen by index). Formats are told apart by their
// magic bytes, not the file extension. Gzipped files are gunzipped first.
import { PNG } from 'pngjs';
import { DatasetFormatError, DatasetOptionError } from './errors';
import { IDX_IMAGES_MAGIC, IDX_IMAGES_NHWC_MAGIC, parseIdx } from './idx';
import { readBinaryFile } from './read-binary';
import { checkInteger } from './rng';

const WHERE = '@randwire/datasets/read-image';
const IDX_IMAGE_2D_MAGIC = 0x00000802;
const FORMATS = 'PNG, Netpbm (.pgm/.ppm: P2, P3, P5, P6), NumPy .npy (uint8) or IDX images';

/** A decoded uint8 image, HWC. */
export interface DecodedImage {
  data: Uint8Array;
  height: number;
  width: number;
  /** 1 (gray) or 3 (RGB); alpha is composited over black. */
  channels: number;
  source: string;
}

export interface ReadImageOptions {
  /** Which image of a multi-image file (IDX or a 4-D .npy) to take. */
  index?: number;
}

/** Largest image decoded: each side, and width × height. Checked from the header, before any
 * pixel is decoded or allocated (a PNG claiming 100000×100000 fails at once, naming its size). */
export const IMAGE_LIMITS = Object.freeze({ maxSide: 16384, maxPixels: 2 ** 25 });

export const READ_IMAGE_DEFAULTS: Readonly<Required<ReadImageOptions>> = Object.freeze({ index: 0 });

/** Reads one image from a file (see the formats above). */
export function readImageFile(path: string, options: ReadImageOptions = {}): DecodedImage {
  const bytes = readBinaryFile(path, WHERE, `pass an existing image file (${FORMATS})`);
  return decodeImage(bytes, path, options);
}

/** Decodes image bytes; `name` only names the file in errors and in `source`. */
export function decodeImage(bytes: Uint8Array, name: string, options: ReadImageOptions = {}): DecodedImage {
  const index = checkInteger(options.index ?? READ_IMAGE_DEFAULTS.index, WHERE, 'index', 0);
  const fail = (what: string, cause?: unknown): never => {
    throw new DatasetFormatError(`${WHERE}: ${name}: ${what}`, name, cause == null ? undefined : { cause });
  };
  if (bytes.length === 0) return fail(`empty file (0 bytes): expected ${FORMATS}`);
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0x89 && b1 === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    if (index !== 0)
      throw new DatasetOptionError(`${WHERE}: ${name}: index ${index}: a PNG holds one image (0)`);
    return decodePng(bytes, name, fail);
  }
  if (b0 === 0x50 /* P */ && b1 != null && b1 >= 0x31 && b1 <= 0x37) {
    if (index !== 0)
      throw new DatasetOptionError(`${WHERE}: ${name}: index ${index}: a Netpbm file holds one image (0)`);
    return decodeNetpbm(bytes, name, fail);
  }
  if (b0 === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === 'NUMPY')
    return decodeNpy(bytes, name, index, fail);
  if (b0 === 0 && b1 === 0 && bytes[2] === 0x08) {
    const idx = parseIdx(bytes, name, [IDX_IMAGE_2D_MAGIC, IDX_IMAGES_MAGIC, IDX_IMAGES_NHWC_MAGIC]);
    const dims = idx.magic === IDX_IMAGE_2D_MAGIC ? [1, ...idx.dims] : idx.dims;
    return pick(idx.data, dims as [number, number, number, number?], index, name);
  }
  return fail(`unknown image format (first bytes ${hexBytes(bytes.subarray(0, 4))}): expected ${FORMATS}`);
}

function hexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** Refuses an image larger than IMAGE_LIMITS (sizes from its header). */
function checkSize(width: number, height: number, name: string): void {
  const { maxSide, maxPixels } = IMAGE_LIMITS;
  if (!(width >= 1 && height >= 1)) {
    throw new DatasetFormatError(
      `${WHERE}: ${name}: image of ${width}×${height} pixels: must be at least 1×1`,
      name,
    );
  }
  if (width > maxSide || height > maxSide || width * height > maxPixels) {
    throw new DatasetFormatError(
      `${WHERE}: ${name}: image of ${width}×${height} pixels (from its header) is too large: at most ${maxSide} per side and ${maxPixels} pixels`,
      name,
    );
  }
}

/** Image `index` of an N×H×W[×C] array. */
function pick(
  data: Uint8Array,
  dims: [number, number, number, number?],
  index: number,
  name: string,
): DecodedImage {
  const [n, height, width, channels = 1] = dims;
  checkSize(width, height, name);
  if (index >= n) {
    throw new DatasetOptionError(
      `${WHERE}: ${name}: index ${index} out of range: the file holds ${n} images (0..${n - 1})`,
    );
  }
  const size = height * width * channels;
  return {
    data: data.slice(index * size, (index + 1) * size),
    height,
    width,
    channels,
    source: `${name}:${index}`,
  };
}

function decodePng(
  bytes: Uint8Array,
  name: string,
  fail: (what: string, cause?: unknown) => never,
): DecodedImage {
  // IHDR comes first: width and height, big-endian, at bytes 16..23.
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
    return fail(
      `invalid PNG: ${bytes.length < 24 ? `truncated header (${bytes.length} bytes)` : 'no IHDR chunk first'}`,
    );
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset, 24);
  checkSize(header.getUint32(16, false), header.getUint32(20, false), name);
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    return fail(`invalid PNG (${(e as Error).message})`, e);
  }
  const { width, height, data } = png;
  const channels = png.color ? 3 : 1;
  const out = new Uint8Array(width * height * channels);
  // pngjs always returns 8-bit RGBA; composite alpha over black (the datasets' background).
  for (let p = 0, d = 0; p < width * height; p++) {
    const a = data[4 * p + 3]!;
    for (let c = 0; c < channels; c++) out[d++] = Math.round((data[4 * p + c]! * a) / 255);
  }
  return { data: out, height, width, channels, source: name };
}

function decodeNetpbm(bytes: Uint8Array, name: string, fail: (what: string) => never): DecodedImage {
  const kind = String.fromCharCode(bytes[1]!);
  if (!'2356'.includes(kind)) return fail(`Netpbm P${kind} is not supported: expected P2, P3, P5 or P6`);
  const channels = kind === '3' || kind === '6' ? 3 : 1;
  let pos = 2;
  const token = (): number => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]!))) pos++;
      if (bytes[pos] !== 0x23 /* # */) break;
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
    }
    const start = pos;
    while (pos < bytes.length && bytes[pos]! >= 0x30 && bytes[pos]! <= 0x39) pos++;
    if (pos === start) fail(`truncated or invalid Netpbm header at byte ${start}`);
    return Number(String.fromCharCode(...bytes.subarray(start, pos)));
  };
  const width = token();
  const height = token();
  const maxval = token();
  if (width < 1 || height < 1 || maxval < 1 || maxval > 65535) {
    fail(`invalid Netpbm header: width ${width}, height ${height}, maxval ${maxval}`);
  }
  checkSize(width, height, name);
  const count = width * height * channels;
  const out = new Uint8Array(count);
  const scale = (v: number) =>
    v > maxval ? fail(`sample ${v} exceeds maxval ${maxval}`) : Math.round((v * 255) / maxval);
  if (kind === '2' || kind === '3') {
    for (let i = 0; i < count; i++) out[i] = scale(token());
  } else {
    pos++; // the single whitespace after maxval
    const wide = maxval > 255 ? 2 : 1;
    const need = pos + count * wide;
    if (bytes.length < need)
      fail(`truncated: expected ${need} bytes for ${width}×${height}×${channels}, found ${bytes.length}`);
    for (let i = 0; i < count; i++) {
      out[i] = scale(wide === 2 ? (bytes[pos + 2 * i]! << 8) | bytes[pos + 2 * i + 1]! : bytes[pos + i]!);
    }
  }
  return { data: out, height, width, channels, source: name };
}

function decodeNpy(
  bytes: Uint8Array,
  name: string,
  index: number,
  fail: (what: string) => never,
): DecodedImage {
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) fail('truncated .npy header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = String.fromCharCode(...bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr == null || fortran == null || shapeText == null)
    return fail(`invalid .npy header: ${header.trim()}`);
  if (descr !== '|u1' && descr !== '<u1' && descr !== '>u1') {
    return fail(`.npy dtype ${descr} is not supported: expected uint8 (|u1) pixels 0..255`);
  }
  if (fortran !== 'False') return fail('.npy in Fortran order is not supported: expected C order');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const data = bytes.subarray(start + headerLen);
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size)
    fail(`wrong size: shape (${shape.join(', ')}) needs ${size} bytes of data, found ${data.length}`);
  const last = shape[shape.length - 1];
  // (H, W) gray; (H, W, C) with C in {1, 3}; (N, H, W) gray; (N, H, W, C).
  if (shape.length === 2) return pick(data, [1, shape[0]!, shape[1]!], index, name);
  if (shape.length === 3 && (last === 1 || last === 3))
    return pick(data, [1, shape[0]!, shape[1]!, last], index, name);
  if (shape.length === 3) return pick(data, [shape[0]!, shape[1]!, shape[2]!], index, name);
  if (shape.length === 4) return pick(data, [shape[0]!, shape[1]!, shape[2]!, shape[3]!], index, name);
  return fail(
    `.npy shape (${shape.join(', ')}) is not an image: expected (H, W), (H, W, C), (N, H, W) or (N, H, W, C)`,
  );
}

export interface FitImageOptions {
  height: number;
  width: number;
  /** 1 (RGB → gray by ITU-R 601 luma) or 3 (gray → RGB by copying). */
  channels: number;
}

/**
 * Converts an image to a model's input shape: channel conversion, then bilinear resize
 * (half-pixel centres, edges clamped). Returns HWC uint8.
 */
export function fitImage(img: DecodedImage, target: FitImageOptions): Uint8Array {
  const { height: H, width: W, channels: C } = target;
  checkInteger(H, WHERE, 'height', 1);
  checkInteger(W, WHERE, 'width', 1);
  let src = img.data;
  if (img.channels !== C) {
    const n = img.height * img.width;
    if (img.channels === 3 && C === 1) {
      src = new Uint8Array(n);
      for (let p = 0; p < n; p++) {
        src[p] = Math.round(
          0.299 * img.data[3 * p]! + 0.587 * img.data[3 * p + 1]! + 0.114 * img.data[3 * p + 2]!,
        );
      }
    } else if (img.channels === 1 && C === 3) {
      src = new Uint8Array(3 * n);
      for (let p = 0; p < n; p++) src[3 * p] = src[3 * p + 1] = src[3 * p + 2] = img.data[p]!;
    } else {
      throw new DatasetOptionError(
        `${WHERE}: ${img.source}: cannot convert ${img.channels} channels to ${C}: expected 1 or 3`,
      );
    }
  }
  if (img.height === H && img.width === W) return src === img.data ? src.slice() : src;
  const out = new Uint8Array(H * W * C);
  const sy = img.height / H;
  const sx = img.width / W;
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < W; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < C; c++) {
        const at = (yy: number, xx: number) => src[(yy * img.width + xx) * C + c]!;
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        out[(y * W + x) * C + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}
