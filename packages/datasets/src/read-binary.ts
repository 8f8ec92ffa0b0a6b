// Reads a whole file into memory, gunzipping it when it starts with the gzip magic (1f 8b),
// whatever its extension. Missing files and corrupt gzip become DatasetErrors naming the path.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DatasetFormatError, DatasetNotFoundError } from './errors';

/** Largest gunzipped size accepted (a few KB of gzip can claim many GB). */
export const MAX_GUNZIP_BYTES = 2 ** 30;

export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * @param where prefix of error messages, e.g. `@randwire/datasets/idx`
 * @param hint what the user can do when the file is missing (appended to the message)
 */
export function readBinaryFile(path: string, where: string, hint: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : `cannot read (${code})`;
    throw new DatasetNotFoundError(`${where}: ${path}: ${what}; ${hint}`, path, { cause: e });
  }
  if (!isGzip(raw)) return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: MAX_GUNZIP_BYTES });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DatasetFormatError(
        `${where}: ${path}: gzip data decompresses to more than ${MAX_GUNZIP_BYTES} bytes (the limit)`,
        path,
        { cause: e },
      );
    }
    throw new DatasetFormatError(
      `${where}: ${path}: corrupt or truncated gzip data (${(e as Error).message})`,
      path,
      { cause: e },
    );
  }
}
