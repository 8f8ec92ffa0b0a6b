// IDX files (the MNIST / Fashion-MNIST format): a big-endian header `00 00 <type> <ndims>`,
// then `ndims` uint32 dimensions, then the data. Only unsigned bytes (type 0x08) are used by
// image datasets: labels are 0x00000801 (1 dim), images 0x00000803 (count, rows, columns) or
// 0x00000804 (count, rows, columns, channels — an extension for colour images).
import { DatasetFormatError, DatasetMismatchError, DatasetOptionError } from './errors';
import type { ImageDataset } from './image-dataset';
import { readBinaryFile } from './read-binary';

const WHERE = '@randwire/datasets/idx';

export const IDX_LABELS_MAGIC = 0x00000801;
export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_IMAGES_NHWC_MAGIC = 0x00000804;

/** A parsed IDX file of unsigned bytes: `data` is a view into the file's buffer. */
export interface IdxArray {
  magic: number;
  dims: number[];
  data: Uint8Array;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Parses an IDX buffer (already gunzipped) of unsigned bytes and checks its magic against
 * `allowed` and its length against the header. `path` only names the file in errors.
 */
export function parseIdx(buf: Uint8Array, path: string, allowed: readonly number[]): IdxArray {
  const fail = (what: string): never => {
    throw new DatasetFormatError(`${WHERE}: ${path}: ${what}`, path);
  };
  const expected = allowed.map(hex).join(' or ');
  if (buf.length < 4)
    fail(`file is ${buf.length} bytes, too short for an IDX header (expected magic ${expected})`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, false);
  if (!allowed.includes(magic)) {
    fail(`wrong magic number ${hex(magic)}: expected ${expected} (IDX of unsigned bytes, big-endian)`);
  }
  const ndims = magic & 0xff;
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) {
    fail(`truncated header: ${buf.length} bytes, expected at least ${headerBytes} for ${ndims} dimensions`);
  }
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    size *= d;
  }
  const expectedBytes = headerBytes + size;
  if (buf.length < expectedBytes) {
    fail(
      `truncated: header says ${dims.join('×')} = ${size} data bytes, ` +
        `file has ${buf.length - headerBytes} (expected ${expectedBytes} bytes, found ${buf.length})`,
    );
  }
  if (buf.length > expectedBytes) {
    fail(
      `wrong size: header says ${dims.join('×')} = ${size} data bytes, ` +
        `file has ${buf.length - headerBytes} (expected ${expectedBytes} bytes, found ${buf.length}; trailing bytes)`,
    );
  }
  // A plain Uint8Array view (not a Buffer), so callers and tests see one array type.
  return { magic, dims, data: new Uint8Array(buf.buffer, buf.byteOffset + headerBytes, size) };
}

/** Reads one IDX file (gzipped or not) of unsigned bytes with one of the `allowed` magics. */
export function readIdxFile(
  path: string,
  allowed: readonly number[] = [IDX_LABELS_MAGIC, IDX_IMAGES_MAGIC, IDX_IMAGES_NHWC_MAGIC],
  hint = 'pass the path of an existing IDX file (.gz or raw)',
): IdxArray {
  return parseIdx(readBinaryFile(path, WHERE, hint), path, allowed);
}

export interface IdxDatasetOptions {
  /** Class names, index = label; sets `classes` when `classes` is not given. */
  classNames?: readonly string[];
  /** Number of classes; default: `classNames.length`, else the largest label + 1. */
  classes?: number;
  /** Replaces the default `source` (the two paths). */
  source?: string;
  /** Appended to the error message of a missing file: what the user should pass instead. */
  notFoundHint?: string;
}

export const IDX_DATASET_DEFAULTS: Readonly<Required<Pick<IdxDatasetOptions, 'notFoundHint'>>> =
  Object.freeze({
    notFoundHint: 'pass the paths of existing IDX image and label files (.gz or raw)',
  });

/** Reads an IDX image file and its IDX label file (each gzipped or not) into an ImageDataset. */
export function readIdxDataset(
  imagesPath: string,
  labelsPath: string,
  opts: IdxDatasetOptions = {},
): ImageDataset {
  const hint = opts.notFoundHint ?? IDX_DATASET_DEFAULTS.notFoundHint;
  const img = readIdxFile(imagesPath, [IDX_IMAGES_MAGIC, IDX_IMAGES_NHWC_MAGIC], hint);
  const lab = readIdxFile(labelsPath, [IDX_LABELS_MAGIC], hint);
  const [count = 0, height = 0, width = 0, channels = 1] = img.dims;
  const labelCount = lab.dims[0] ?? 0;
  if (labelCount !== count) {
    throw new DatasetMismatchError(
      `${WHERE}: ${imagesPath} has ${count} images but ${labelsPath} has ${labelCount} labels: ` +
        'expected the same count (are they from the same split?)',
    );
  }
  let maxLabel = -1;
  const labels = lab.data;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > maxLabel) maxLabel = labels[i]!;
  const classes = opts.classes ?? opts.classNames?.length ?? maxLabel + 1;
  if (!Number.isInteger(classes) || classes < 1 || classes > 256) {
    throw new DatasetOptionError(`${WHERE}: invalid classes (${classes}): must be an integer in [1, 256]`);
  }
  if (opts.classNames != null && opts.classNames.length !== classes) {
    throw new DatasetOptionError(
      `${WHERE}: classNames has ${opts.classNames.length} names but classes is ${classes}: expected equal`,
    );
  }
  if (maxLabel >= classes) {
    const at = labels.findIndex((l) => l >= classes);
    throw new DatasetFormatError(
      `${WHERE}: ${labelsPath}: label ${labels[at]} at index ${at} is out of range: expected 0..${classes - 1}`,
      labelsPath,
    );
  }
  return {
    images: img.data,
    labels,
    count,
    height,
    width,
    channels,
    classes,
    classNames: opts.classNames ? [...opts.classNames] : Array.from({ length: classes }, (_, i) => String(i)),
    source: opts.source ?? `${imagesPath}, ${labelsPath}`,
  };
}
