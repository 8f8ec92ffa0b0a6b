import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parameterList } from '@randwire/spec';
import * as tf from '@tensorflow/tfjs';
import { registerRandwireLayers } from './layers/register';
import { WeightedSum } from './layers/weighted-sum';
import { buildModel } from './model';
import { ModelIoError } from './model-errors';
import {
  loadModel,
  loadModelFromDir,
  MODEL_JSON,
  readModelArtifacts,
  saveModelToDir,
  WEIGHTS_BIN,
} from './model-io';
import { modelParameterNames } from './model-parameters';
import { tinySpec } from './test-utils/tiny-spec';

let tmp = '';
beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'randwire-model-io-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const spec = tinySpec({ dropout: 0.2 });

/** A model whose weights are all non-default (moving statistics included). */
function trainedLookingModel(): tf.LayersModel {
  const model = buildModel(spec, { seed: 3 });
  const x = tf.randomNormal([4, 9, 9, 1], 0, 1, 'float32', 9);
  model.apply(tf.add(x, 0.5), { training: true });
  const agg = model.getLayer('s1_n4_agg');
  agg.setWeights([tf.tensor1d([0.7, -1.2, 0.1])]);
  return model;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
}

describe('saveModelToDir / loadModelFromDir', () => {
  it('writes tfjs model.json + weights.bin named by parameterList and reloads identical predictions', async () => {
    const model = trainedLookingModel();
    const dir = path.join(tmp, 'run', 'model');
    const res = await saveModelToDir(model, dir);
    expect(fs.readdirSync(dir).sort()).toEqual([MODEL_JSON, WEIGHTS_BIN]);
    const json = JSON.parse(fs.readFileSync(res.modelJsonPath, 'utf8')) as tf.io.ModelJSON;
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0]?.paths).toEqual([WEIGHTS_BIN]);
    const names = json.weightsManifest[0]?.weights.map((w) => w.name) ?? [];
    expect([...names].sort()).toEqual(
      parameterList(spec)
        .map((p) => p.name)
        .sort(),
    );
    expect(fs.statSync(res.weightsPath).size).toBe(res.weightBytes);
    expect(res.weightBytes).toBe(4 * model.countParams());

    const loaded = await loadModelFromDir(dir);
    expect(loaded.getLayer('s1_n4_agg')).toBeInstanceOf(WeightedSum);
    expect([...modelParameterNames(loaded)].sort()).toEqual([...names].sort());
    const x = tf.randomNormal([3, 9, 9, 1], 0, 1, 'float32', 77);
    const a = model.predict(x) as tf.Tensor[];
    const b = loaded.predict(x) as tf.Tensor[];
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(a[i] as tf.Tensor, b[i] as tf.Tensor)).toBe(0);
  });

  it('round-trips through tf.loadLayersModel with the standard memory IO handlers', async () => {
    const model = trainedLookingModel();
    let artifacts: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
      }),
    );
    registerRandwireLayers();
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
    const x = tf.randomNormal([2, 9, 9, 1], 0, 1, 'float32', 78);
    const [a] = model.predict(x) as tf.Tensor[];
    const [b] = loaded.predict(x) as tf.Tensor[];
    expect(maxAbsDiff(a as tf.Tensor, b as tf.Tensor)).toBe(0);
    // loadModel accepts an IOHandler too
    const viaHandler = await loadModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
    const [c] = viaHandler.predict(x) as tf.Tensor[];
    expect(maxAbsDiff(a as tf.Tensor, c as tf.Tensor)).toBe(0);
  });

  it('overwrites atomically and leaves no temp files', async () => {
    const dir = path.join(tmp, 'twice');
    await saveModelToDir(buildModel(spec, { seed: 1 }), dir);
    await saveModelToDir(buildModel(spec, { seed: 2 }), dir);
    expect(fs.readdirSync(dir).sort()).toEqual([MODEL_JSON, WEIGHTS_BIN]);
    const loaded = await loadModelFromDir(path.join(dir, MODEL_JSON));
    const fresh = buildModel(spec, { seed: 2 });
    const k = (m: tf.LayersModel): number[] =>
      Array.from(m.getLayer('conv1_conv').getWeights()[0]!.dataSync());
    expect(k(loaded)).toEqual(k(fresh));
  });

  it('reports missing, malformed and truncated files as ModelIoError naming the file', async () => {
    await expect(loadModelFromDir(path.join(tmp, 'nope'))).rejects.toThrow(ModelIoError);
    await expect(loadModelFromDir(path.join(tmp, 'nope'))).rejects.toThrow(/nope[/\\]model\.json/);
    const dir = path.join(tmp, 'broken');
    await saveModelToDir(buildModel(spec, { seed: 1 }), dir);
    const w = fs.readFileSync(path.join(dir, WEIGHTS_BIN));
    fs.writeFileSync(path.join(dir, WEIGHTS_BIN), w.subarray(0, w.length - 8));
    await expect(readModelArtifacts(dir)).rejects.toThrow(/truncated or mismatched/);
    fs.rmSync(path.join(dir, WEIGHTS_BIN));
    await expect(loadModelFromDir(dir)).rejects.toThrow(/cannot read weights .*weights\.bin/);
    fs.writeFileSync(path.join(dir, MODEL_JSON), '{"format": "layers-model"}');
    await expect(loadModelFromDir(dir)).rejects.toThrow(/not a tfjs model\.json/);
    fs.writeFileSync(path.join(dir, MODEL_JSON), '{"modelTopo');
    await expect(loadModelFromDir(dir)).rejects.toThrow(ModelIoError);
  });
});
