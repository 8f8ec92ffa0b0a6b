// ONNX's own checker (onnx.checker.check_model with full_check=True, from Debian's
// python3-onnx) on exported models. CI installs python3-onnx: there the test fails when it
// is missing; elsewhere it is skipped with a note.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NODE_TRANSFORMS } from '@randwire/spec';
import { handSpec } from '@randwire/spec/testing';
import { writeOnnxFileAtomic } from './atomic-write';
import { exportOnnx } from './export-onnx';
import { randomWeights } from './test-utils/reference';

const PYTHON = '/usr/bin/python3';
const CHECK =
  'import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint("ok", len(sys.argv) - 1)';

const probe = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' });
const available = probe.status === 0;
if (!available && !process.env['CI']) {
  console.log(
    `note: ${PYTHON} with the onnx module (Debian python3-onnx) is missing: ONNX checker test skipped`,
  );
}
const maybe = available || process.env['CI'] ? it : it.skip;

describe('onnx.checker.check_model(full_check=True)', () => {
  maybe('accepts every transform, BN folded and not, softmax or not', () => {
    expect(probe.status).toBe(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'randwire-onnx-check-'));
    try {
      const files: string[] = [];
      for (const transform of NODE_TRANSFORMS) {
        const spec = handSpec({ transform, height: 8, width: 7 });
        const w = randomWeights(spec, 1);
        for (const foldBn of [false, true]) {
          const file = path.join(dir, `${transform}-${foldBn}.onnx`);
          writeOnnxFileAtomic(file, exportOnnx(spec, w, { foldBn, noSoftmax: foldBn }));
          files.push(file);
        }
      }
      const r = spawnSync(PYTHON, ['-c', CHECK, ...files], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe(`ok ${files.length}`);
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
