// Saving and loading spec models in tfjs's standard file format without tfjs-node (whose
// `file://` handler is unavailable here): `model.json` (modelTopology + weightsManifest
// [{ paths: ['weights.bin'], weights: [{ name, shape, dtype }] }]) and `weights.bin`, both
// written atomically (run-dir's writeFileAtomic: temp file in the same directory, fsync, rename; weights first, so a
// model.json on disk always points at complete weights). Weight names are the parameter
// names (LayerVariable.originalName), whatever suffixes the engine gave the variables.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerRandwireLayers } from './layers/register';
import { ModelIoError } from './model-errors';
import { writeFileAtomic } from './run-dir';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

const WHERE = '@randwire/tfjs/model-io';

export interface SaveModelResult {
  modelJsonPath: string;
  weightsPath: string;
  weightBytes: number;
}

/** run-dir's writeFileAtomic, its failures as ModelIoError naming the file. */
function writeModelFile(file: string, data: string | Uint8Array): void {
  try {
    writeFileAtomic(file, data);
  } catch (e) {
    throw new ModelIoError(`${WHERE}: cannot write ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** The model artifacts as tfjs's model.json object plus the concatenated weight bytes. */
export function artifactsToFiles(artifacts: tf.io.ModelArtifacts): {
  modelJson: tf.io.ModelJSON;
  weights: Uint8Array;
} {
  if (artifacts.modelTopology == null || artifacts.modelTopology instanceof ArrayBuffer) {
    throw new ModelIoError(
      `${WHERE}: the model artifacts have no JSON topology (only LayersModels are supported)`,
    );
  }
  const data = artifacts.weightData;
  const buffer = data == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(data);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  return { modelJson, weights: new Uint8Array(buffer) };
}

/** Saves `model` as `dir/model.json` + `dir/weights.bin` (creating `dir`), atomically. */
export async function saveModelToDir(model: tf.LayersModel, dir: string): Promise<SaveModelResult> {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new ModelIoError(`${WHERE}: cannot create ${dir}: ${(e as Error).message}`, { cause: e });
  }
  const modelJsonPath = path.join(dir, MODEL_JSON);
  const weightsPath = path.join(dir, WEIGHTS_BIN);
  let weightBytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { modelJson, weights } = artifactsToFiles(artifacts);
      writeModelFile(weightsPath, weights);
      writeModelFile(modelJsonPath, JSON.stringify(modelJson));
      weightBytes = weights.byteLength;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return { modelJsonPath, weightsPath, weightBytes };
}

/** Reads tfjs model artifacts from a directory holding model.json (or the model.json path). */
export function readModelArtifacts(dirOrModelJson: string): Promise<tf.io.ModelArtifacts> {
  const modelJsonPath = dirOrModelJson.endsWith('.json')
    ? dirOrModelJson
    : path.join(dirOrModelJson, MODEL_JSON);
  const dir = path.dirname(modelJsonPath);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (e) {
    throw new ModelIoError(`${WHERE}: cannot read ${modelJsonPath}: ${(e as Error).message}`, { cause: e });
  }
  if (modelJson == null || typeof modelJson !== 'object' || modelJson.modelTopology == null) {
    throw new ModelIoError(`${WHERE}: ${modelJsonPath} is not a tfjs model.json (no modelTopology)`);
  }
  if (!Array.isArray(modelJson.weightsManifest)) {
    throw new ModelIoError(`${WHERE}: ${modelJsonPath} has no weightsManifest array`);
  }
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      specs.push(...group.weights);
      for (const p of group.paths) {
        const file = path.join(dir, p);
        try {
          const b = fs.readFileSync(file);
          buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
        } catch (e) {
          throw new ModelIoError(`${WHERE}: cannot read weights ${file}: ${(e as Error).message}`, {
            cause: e,
          });
        }
      }
    }
    const total = buffers.reduce((n, b) => n + b.byteLength, 0);
    const needed = specs.reduce(
      (n, s) => n + s.shape.reduce((a, d) => a * d, 1) * bytesPerElement(s.dtype),
      0,
    );
    if (total !== needed) {
      throw new ModelIoError(
        `${WHERE}: weights of ${modelJsonPath} have ${total} bytes, its manifest needs ${needed} (truncated or mismatched files)`,
      );
    }
    return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
  });
}

function bytesPerElement(dtype: string): number {
  if (dtype === 'float32' || dtype === 'int32') return 4;
  if (dtype === 'bool' || dtype === 'uint8') return 1;
  if (dtype === 'float16') return 2;
  throw new ModelIoError(`${WHERE}: unsupported weight dtype ${dtype}`);
}

/** Loads a model saved by saveModelToDir (a directory or model.json path), an `http(s)://`
 * URL of a model.json, or any tf.io.IOHandler. Registers the custom layers first. Attach a
 * TrainingNoise (attachTrainingNoise) before training a loaded model with drop-edge. */
export async function loadModel(source: string | tf.io.IOHandler): Promise<tf.LayersModel> {
  registerRandwireLayers();
  const where = typeof source === 'string' ? source : 'IOHandler';
  let handler: tf.io.IOHandler | string;
  if (typeof source !== 'string' || /^https?:\/\//.test(source)) handler = source;
  else handler = tf.io.fromMemory(await readModelArtifacts(source));
  try {
    return await tf.loadLayersModel(handler);
  } catch (e) {
    if (e instanceof ModelIoError) throw e;
    throw new ModelIoError(`${WHERE}: cannot load the model from ${where}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** loadModel for a directory written by saveModelToDir. */
export function loadModelFromDir(dir: string): Promise<tf.LayersModel> {
  return loadModel(dir);
}
