// Helpers for tests: temporary folders and tiny IDX / CIFAR-10 files written byte by byte.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'randwire-datasets-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An IDX file: big-endian magic, dims, then the bytes. */
export function idxBytes(magic: number, dims: number[], data: Uint8Array | number[]): Uint8Array {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => {
    head.writeUInt32BE(d, 4 + 4 * i);
  });
  return new Uint8Array(Buffer.concat([head, Buffer.from(data)]));
}

export function writeBytes(path: string, bytes: Uint8Array, gzip = false): string {
  writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
  return path;
}

/** Deterministic pixel values for tests: example i, byte j. */
export function pattern(count: number, size: number): Uint8Array {
  const out = new Uint8Array(count * size);
  for (let i = 0; i < out.length; i++) out[i] = (i * 7 + Math.floor(i / size) * 13) % 256;
  return out;
}

/** Bytes as a hex string: fast equality for large arrays (jest's toEqual walks elements slowly). */
export function hex(a: Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}
