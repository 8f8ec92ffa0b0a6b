import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOnnxFileAtomic } from './atomic-write';
import { OnnxError } from './errors';

describe('writeOnnxFileAtomic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'randwire-onnx-write-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the bytes and leaves no temp file', () => {
    const file = join(dir, 'a.onnx');
    writeOnnxFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['a.onnx']);
  });

  it('reports a failure as an OnnxError naming the file, leaving nothing behind', () => {
    const file = join(dir, 'missing-folder', 'b.onnx');
    expect(() => writeOnnxFileAtomic(file, 'x')).toThrow(OnnxError);
    expect(() => writeOnnxFileAtomic(file, 'x')).toThrow(/cannot write '.*missing-folder.*b\.onnx'/);
    expect(readdirSync(dir)).toEqual(['a.onnx']);
  });
});
