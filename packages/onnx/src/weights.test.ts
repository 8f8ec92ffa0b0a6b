import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parameterList } from '@randwire/spec';
import { handSpec } from '@randwire/spec/testing';
import { ExportError, WeightsReadError } from './errors';
import { randomWeights } from './test-utils/reference';
import { writeWeightsRunDir } from './test-utils/run-dir';
import { readTfjsWeights, validateWeights } from './weights';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'randwire-onnx-weights-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('readTfjsWeights', () => {
  it('reads every weight of a sharded manifest, exactly', () => {
    const spec = handSpec();
    const weights = randomWeights(spec, 5);
    const dir = path.join(tmp, 'sharded');
    writeWeightsRunDir(dir, spec, weights, 3);
    const read = readTfjsWeights(path.join(dir, 'model'));
    expect([...read.keys()]).toEqual(parameterList(spec).map((p) => p.name));
    for (const [name, w] of weights) {
      expect(read.get(name)!.shape).toEqual(w.shape);
      expect(Array.from(read.get(name)!.data)).toEqual(Array.from(w.data));
    }
    expect(readTfjsWeights(path.join(dir, 'model', 'model.json')).size).toBe(weights.size);
  });

  it('names the file when artifacts are missing, truncated or not float32', () => {
    const spec = handSpec();
    const dir = path.join(tmp, 'bad');
    writeWeightsRunDir(dir, spec, randomWeights(spec, 5));
    const bin = path.join(dir, 'model', 'group1-shard1of1.bin');
    expect(() => readTfjsWeights(path.join(tmp, 'nowhere'))).toThrow(WeightsReadError);
    fs.truncateSync(bin, 100);
    expect(() => readTfjsWeights(path.join(dir, 'model'))).toThrow(/end at byte 100/);
    fs.rmSync(bin);
    expect(() => readTfjsWeights(path.join(dir, 'model'))).toThrow(
      /cannot read weight file .*group1-shard1of1\.bin/,
    );
    const json = path.join(dir, 'model', 'model.json');
    fs.writeFileSync(
      json,
      JSON.stringify({
        weightsManifest: [{ paths: [], weights: [{ name: 'a', shape: [1], dtype: 'int32' }] }],
      }),
    );
    expect(() => readTfjsWeights(json)).toThrow(/'a' .* is int32: only float32/);
  });
});

describe('validateWeights', () => {
  const spec = handSpec();
  it('accepts a complete map', () => {
    expect(() => validateWeights(spec, randomWeights(spec, 1))).not.toThrow();
  });
  it('names a missing weight and its expected shape', () => {
    const w = randomWeights(spec, 1);
    w.delete('s1_n2_conv/pointwise_kernel');
    expect(() => validateWeights(spec, w)).toThrow(ExportError);
    expect(() => validateWeights(spec, w)).toThrow(
      /missing weight 's1_n2_conv\/pointwise_kernel' \(expected shape \[1, 1, 8, 8\]\)/,
    );
  });
  it('names a mismatched shape, expected vs found', () => {
    const w = randomWeights(spec, 1);
    w.set('conv1_conv/kernel', { shape: [3, 3, 1, 5], data: new Float32Array(45) });
    expect(() => validateWeights(spec, w)).toThrow(
      /'conv1_conv\/kernel' has shape \[3, 3, 1, 5\], expected \[3, 3, 1, 4\]/,
    );
  });
  it('names a NaN and an unknown extra weight', () => {
    const w = randomWeights(spec, 1);
    w.get('head_bn/gamma')!.data[3] = Number.NaN;
    expect(() => validateWeights(spec, w)).toThrow(
      /'head_bn\/gamma' has a non-finite value \(NaN\) at flat index 3/,
    );
    const x = randomWeights(spec, 1);
    x.set('optimizer/momentum', { shape: [1], data: new Float32Array(1) });
    expect(() => validateWeights(spec, x)).toThrow(/'optimizer\/momentum' is not a parameter/);
    expect(() => validateWeights(spec, x, { ignoreExtra: true })).not.toThrow();
  });
});
