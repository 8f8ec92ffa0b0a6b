// Writes a run directory (spec.json + model/model.json + model/weights.bin) from a tfjs
// LayersModel in the tf.io file format, as training does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NetworkSpec } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';

export async function writeTestRunDir(dir: string, spec: NetworkSpec, model: tf.LayersModel): Promise<void> {
  fs.mkdirSync(path.join(dir, 'model'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'spec.json'), `${JSON.stringify(spec, null, 2)}\n`);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const bytes = new Uint8Array(
        data === undefined
          ? new ArrayBuffer(0)
          : Array.isArray(data)
            ? tf.io.concatenateArrayBuffers(data)
            : data,
      );
      fs.writeFileSync(path.join(dir, 'model', 'weights.bin'), bytes);
      fs.writeFileSync(
        path.join(dir, 'model', 'model.json'),
        JSON.stringify({
          modelTopology: artifacts.modelTopology,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Writes a run directory from a WeightMap without tfjs (weights in map order; a manifest
 * with `shards` weight files). */
export function writeWeightsRunDir(
  dir: string,
  spec: NetworkSpec,
  weights: Map<string, { shape: number[]; data: Float32Array }>,
  shards = 1,
): void {
  fs.mkdirSync(path.join(dir, 'model'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
  const entries = [...weights.entries()];
  const bytes = Buffer.concat(
    entries.map(([, w]) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength)),
  );
  const paths: string[] = [];
  const per = Math.ceil(bytes.length / shards);
  for (let i = 0; i < shards; i++) {
    const p = `group1-shard${i + 1}of${shards}.bin`;
    fs.writeFileSync(path.join(dir, 'model', p), bytes.subarray(i * per, (i + 1) * per));
    paths.push(p);
  }
  fs.writeFileSync(
    path.join(dir, 'model', 'model.json'),
    JSON.stringify({
      modelTopology: {},
      weightsManifest: [
        { paths, weights: entries.map(([name, w]) => ({ name, shape: w.shape, dtype: 'float32' })) },
      ],
    }),
  );
}
