import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SpecError } from '@randwire/spec';
import { handSpec } from '@randwire/spec/testing';
import { onnx } from 'onnx-proto';
import { VerifyError } from './errors';
import { exportOnnx } from './export-onnx';
import { METADATA_KEYS, readOnnxMetadata } from './metadata';
import { randomWeights } from './test-utils/reference';

const spec = handSpec({ transform: 'sep-conv-3x3', height: 8, width: 8, imageChannels: 1 });
const good = exportOnnx(spec, randomWeights(spec, 1));

/** The exported model with one metadata value replaced. */
function withMetadata(key: string, value: string): Uint8Array {
  const model = onnx.ModelProto.decode(good);
  for (const p of model.metadataProps) if (p.key === key) p.value = value;
  return onnx.ModelProto.encode(model).finish();
}

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('readOnnxMetadata on bad input', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'randwire-onnx-metadata-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('says "empty file" for 0 bytes (it said the model lacked metadata)', () => {
    const file = path.join(tmp, 'empty.onnx');
    fs.writeFileSync(file, '');
    const e = thrown(() => readOnnxMetadata(file));
    expect(e).toBeInstanceOf(VerifyError);
    expect(e.message).toMatch(/cannot read ONNX model '.*empty\.onnx': empty file \(0 bytes\)/);
  });

  it('names the file for bytes that are not a protobuf model', () => {
    const e = thrown(() => readOnnxMetadata(good.subarray(0, good.length >> 1)));
    expect(e).toBeInstanceOf(VerifyError);
    expect(e.message).toMatch(/cannot read ONNX model model bytes: /);
  });

  it('validates the embedded spec and the normalization instead of trusting them', () => {
    const notJson = thrown(() => readOnnxMetadata(withMetadata(METADATA_KEYS.spec, '{ nope')));
    expect(notJson).toBeInstanceOf(SpecError);
    expect(notJson.message).toMatch(/'randwire\.spec' metadata of ONNX model model bytes is not JSON/);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(thrown(() => readOnnxMetadata(withMetadata(METADATA_KEYS.spec, deep))).message).toMatch(
      /nested deeper than 64 levels/,
    );
    expect(thrown(() => readOnnxMetadata(withMetadata(METADATA_KEYS.inputStd, '[1, "x"]'))).message).toMatch(
      /metadata 'randwire\.input\.std' must be a JSON array of numbers, got "\[1, \\"x\\"\]"/,
    );
    expect(readOnnxMetadata(good).spec).toEqual(spec);
  });
});
