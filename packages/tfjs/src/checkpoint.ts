// Checkpoints: every model weight (batch-norm moving statistics included), the optimizer's
// momentum buffers, the position in training (epoch, batch within it, global step), the
// resolved options and fingerprints of the spec and data, in one binary file written
// atomically (temp file + rename). Layout:
//   'RWCKPT01' (8 bytes) | header length (uint32 LE) | header JSON (UTF-8, space-padded to a
//   multiple of 4) | float32 LE tensor data
// The header records each tensor's name, kind, shape and offset, and the SHA-256 of the data,
// so truncation and corruption are detected and reported naming the file.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageDataset } from '@randwire/datasets';
import { stableStringify } from '@randwire/spec';
import { CheckpointError } from './errors';
import type { NamedArray } from './optimizer';
import { writeFileAtomic } from './run-dir';

export const CHECKPOINT_FORMAT = 'randwire-checkpoint';
export const CHECKPOINT_VERSION = 1;
const MAGIC = 'RWCKPT01';

/** Where training stands: the next batch to run is batch `batch` of epoch `epoch` (0-based). */
export interface TrainPosition {
  epoch: number;
  /** Batches of `epoch` already done (0 at an epoch boundary). */
  batch: number;
  /** Optimizer steps done since the start of the run. */
  step: number;
}

/** Running sums of the epoch in progress (for a mid-epoch checkpoint's metrics line). */
export interface EpochProgress {
  lossSum: number;
  correct: number;
  seen: number;
  seconds: number;
}

export interface CheckpointState extends TrainPosition {
  /** SHA-256 of the spec's canonical JSON. */
  specHash: string;
  /** Fingerprints of the training and test data (see `datasetFingerprint`). */
  data: { train: string; test: string | null };
  /** The resolved training options (JSON-safe). */
  options: Record<string, unknown>;
  /** Present in mid-epoch checkpoints. */
  epochProgress?: EpochProgress;
  /** Every model weight by parameter name, batch-norm moving statistics included. */
  weights: NamedArray[];
  /** The optimizer's momentum buffers by parameter name. */
  momentum: NamedArray[];
}

interface TensorEntry {
  name: string;
  kind: 'weight' | 'momentum';
  shape: number[];
  /** Offset in float32 elements from the start of the data section. */
  offset: number;
  length: number;
}

interface CheckpointHeader extends Omit<CheckpointState, 'weights' | 'momentum'> {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  tensors: TensorEntry[];
  dataBytes: number;
  dataSha256: string;
}

/** Key-sorted JSON (@randwire/spec's, re-exported). */
export { stableStringify };

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Fingerprint of a dataset: its shape, labels and pixels (SHA-256). */
export function datasetFingerprint(
  ds: Pick<ImageDataset, 'images' | 'labels' | 'count' | 'height' | 'width' | 'channels' | 'classes'>,
): string {
  const h = createHash('sha256');
  h.update(`${ds.count}x${ds.height}x${ds.width}x${ds.channels}/${ds.classes};`);
  h.update(ds.labels);
  h.update(ds.images);
  return h.digest('hex');
}

/** Encodes a checkpoint into the file's bytes. */
export function encodeCheckpoint(state: CheckpointState): Uint8Array {
  const tensors: TensorEntry[] = [];
  let offset = 0;
  const all: Array<[NamedArray, 'weight' | 'momentum']> = [
    ...state.weights.map((w) => [w, 'weight'] as [NamedArray, 'weight']),
    ...state.momentum.map((m) => [m, 'momentum'] as [NamedArray, 'momentum']),
  ];
  for (const [t, kind] of all) {
    const length = t.shape.reduce((a, b) => a * b, 1);
    if (length !== t.values.length) {
      throw new CheckpointError(
        `@randwire/tfjs/checkpoint: tensor '${t.name}' has ${t.values.length} values, shape [${t.shape}] needs ${length}`,
      );
    }
    tensors.push({ name: t.name, kind, shape: t.shape.slice(), offset, length });
    offset += length;
  }
  const data = Buffer.alloc(offset * 4);
  for (const [i, [t]] of all.entries()) {
    const e = tensors[i]!;
    for (let j = 0; j < e.length; j++) data.writeFloatLE(t.values[j]!, (e.offset + j) * 4);
  }
  const { weights: _w, momentum: _m, ...rest } = state;
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...rest,
    tensors,
    dataBytes: data.length,
    dataSha256: sha256(data),
  };
  let json = JSON.stringify(header);
  json += ' '.repeat((4 - (Buffer.byteLength(json) % 4)) % 4);
  const headerBytes = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerBytes.length, 0);
  return Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, headerBytes, data]);
}

/** Decodes and verifies a checkpoint's bytes; `file` names it in errors. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): CheckpointState {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const where = `@randwire/tfjs/checkpoint: ${file}`;
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) {
    throw new CheckpointError(`${where}: not a randwire checkpoint (bad magic; expected '${MAGIC}')`);
  }
  const headerLen = buf.readUInt32LE(8);
  if (12 + headerLen > buf.length) {
    throw new CheckpointError(`${where}: truncated (header of ${headerLen} bytes, file has ${buf.length})`);
  }
  let header: CheckpointHeader;
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + headerLen)) as CheckpointHeader;
  } catch (e) {
    throw new CheckpointError(`${where}: corrupt header (${(e as Error).message})`, { cause: e });
  }
  if (header.format !== CHECKPOINT_FORMAT || header.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `${where}: unsupported format ${String(header.format)} v${String(header.version)}: this reader supports ${CHECKPOINT_FORMAT} v${CHECKPOINT_VERSION}`,
    );
  }
  const start = 12 + headerLen;
  const data = buf.subarray(start);
  if (data.length !== header.dataBytes) {
    throw new CheckpointError(
      `${where}: truncated or padded (data has ${data.length} bytes, header says ${header.dataBytes})`,
    );
  }
  if (sha256(data) !== header.dataSha256) {
    throw new CheckpointError(`${where}: corrupt (SHA-256 of the tensor data does not match the header)`);
  }
  const weights: NamedArray[] = [];
  const momentum: NamedArray[] = [];
  const aligned = new Float32Array(data.length / 4);
  for (let i = 0; i < aligned.length; i++) aligned[i] = data.readFloatLE(i * 4);
  for (const t of header.tensors) {
    if (t.offset < 0 || t.offset + t.length > aligned.length) {
      throw new CheckpointError(`${where}: tensor '${t.name}' lies outside the data section`);
    }
    const entry = { name: t.name, shape: t.shape, values: aligned.slice(t.offset, t.offset + t.length) };
    (t.kind === 'momentum' ? momentum : weights).push(entry);
  }
  const { tensors: _t, dataBytes: _b, dataSha256: _s, format: _f, version: _v, ...rest } = header;
  return { ...rest, weights, momentum };
}

export function writeCheckpoint(path: string, state: CheckpointState): void {
  writeFileAtomic(path, encodeCheckpoint(state));
}

export function readCheckpoint(path: string): CheckpointState {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CheckpointError(`@randwire/tfjs/checkpoint: ${path}: cannot read (${(e as Error).message})`, {
      cause: e,
    });
  }
  return decodeCheckpoint(bytes, path);
}

/** File name of the checkpoint taken after `step` optimizer steps. */
export function checkpointFileName(step: number): string {
  return `step-${String(step).padStart(9, '0')}.ckpt`;
}

/** Checkpoint files of a folder, oldest first (by step), as full paths. */
export function listCheckpoints(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^step-\d+\.ckpt$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/** Removes all but the newest `keep` checkpoints (keep = 0 keeps all). */
export function pruneCheckpoints(dir: string, keep: number): void {
  if (keep <= 0) return;
  const all = listCheckpoints(dir);
  for (const p of all.slice(0, Math.max(0, all.length - keep))) rmSync(p, { force: true });
}
