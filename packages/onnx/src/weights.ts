// Weights keyed by the spec's parameter names (`parameterList(spec)`, tfjs layouts): checking
// them against a spec, and reading them from tfjs artifacts (model.json + weight files)
// without depending on tfjs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type NetworkSpec, parameterList } from '@randwire/spec';
import { ExportError, WeightsReadError } from './errors';

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

/** Parameter name (`${layer}/${weight}`) → tensor in tfjs layout. */
export type WeightMap = Map<string, WeightTensor>;

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Checks that `weights` holds every parameter of the spec with its exact shape and only
 * finite values; throws an ExportError naming the first bad weight, expected vs found.
 * Names not in the spec are an error unless `ignoreExtra`. */
export function validateWeights(
  spec: NetworkSpec,
  weights: WeightMap,
  opts: { ignoreExtra?: boolean } = {},
): void {
  const where = '@randwire/onnx/weights';
  const expected = parameterList(spec);
  const missing = expected.filter((p) => !weights.has(p.name));
  if (missing.length > 0) {
    const first = missing[0]!;
    throw new ExportError(
      `${where}: missing weight '${first.name}' (expected shape ${fmt(first.shape)})` +
        (missing.length > 1
          ? ` and ${missing.length - 1} more: ${missing
              .slice(1, 6)
              .map((p) => p.name)
              .join(', ')}`
          : ''),
    );
  }
  for (const p of expected) {
    const w = weights.get(p.name)!;
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (w.shape.length !== p.shape.length || w.shape.some((d, i) => d !== p.shape[i])) {
      throw new ExportError(
        `${where}: weight '${p.name}' has shape ${fmt(w.shape)}, expected ${fmt(p.shape)}`,
      );
    }
    if (w.data.length !== size) {
      throw new ExportError(
        `${where}: weight '${p.name}' has ${w.data.length} values, expected ${size} for shape ${fmt(p.shape)}`,
      );
    }
    for (let i = 0; i < w.data.length; i++) {
      if (!Number.isFinite(w.data[i]!)) {
        throw new ExportError(
          `${where}: weight '${p.name}' has a non-finite value (${w.data[i]}) at flat index ${i}: expected finite numbers`,
        );
      }
    }
    if (p.weight === 'moving_variance' && w.data.some((v) => v < 0)) {
      throw new ExportError(`${where}: weight '${p.name}' has a negative variance: expected values >= 0`);
    }
  }
  if (!opts.ignoreExtra) {
    const known = new Set(expected.map((p) => p.name));
    const extra = [...weights.keys()].filter((k) => !known.has(k));
    if (extra.length > 0) {
      throw new ExportError(
        `${where}: weight '${extra[0]}' is not a parameter of spec '${spec.name}'` +
          (extra.length > 1 ? ` (and ${extra.length - 1} more)` : '') +
          ': expected only parameterList(spec) names (pass ignoreExtraWeights to skip them)',
      );
    }
  }
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: unknown;
}
interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

/** Reads tfjs LayersModel artifacts: `dir/model.json` (or the model.json path itself) and
 * the weight files its `weightsManifest` lists. float32 only. */
export function readTfjsWeights(modelDirOrJson: string): WeightMap {
  const where = '@randwire/onnx/weights';
  const jsonPath = modelDirOrJson.endsWith('.json')
    ? modelDirOrJson
    : path.join(modelDirOrJson, 'model.json');
  let manifest: ManifestGroup[];
  try {
    const doc = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as { weightsManifest?: ManifestGroup[] };
    if (!Array.isArray(doc.weightsManifest)) throw new Error('no weightsManifest array');
    manifest = doc.weightsManifest;
  } catch (e) {
    throw new WeightsReadError(`${where}: cannot read tfjs model '${jsonPath}': ${(e as Error).message}`, {
      cause: e,
    });
  }
  const dir = path.dirname(jsonPath);
  const out: WeightMap = new Map();
  for (const group of manifest) {
    const buffers: Buffer[] = [];
    for (const p of group.paths ?? []) {
      const file = path.join(dir, p);
      try {
        buffers.push(fs.readFileSync(file));
      } catch (e) {
        throw new WeightsReadError(
          `${where}: cannot read weight file '${file}' listed in '${jsonPath}': ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
    }
    const bytes = Buffer.concat(buffers);
    let offset = 0;
    for (const w of group.weights ?? []) {
      const dtype = w.dtype ?? 'float32';
      if (dtype !== 'float32' || w.quantization != null) {
        throw new WeightsReadError(
          `${where}: weight '${w.name}' in '${jsonPath}' is ${w.quantization != null ? 'quantized' : dtype}: only float32 is supported`,
        );
      }
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (offset + n * 4 > bytes.length) {
        throw new WeightsReadError(
          `${where}: weight files of '${jsonPath}' end at byte ${bytes.length}, weight '${w.name}' ${fmt(w.shape)} needs bytes ${offset}..${offset + n * 4}`,
        );
      }
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = bytes.readFloatLE(offset + i * 4);
      offset += n * 4;
      if (out.has(w.name))
        throw new WeightsReadError(`${where}: weight '${w.name}' appears twice in '${jsonPath}'`);
      out.set(w.name, { shape: [...w.shape], data });
    }
    if (offset !== bytes.length) {
      throw new WeightsReadError(
        `${where}: weight files of '${jsonPath}' hold ${bytes.length} bytes, the manifest describes ${offset}`,
      );
    }
  }
  return out;
}
