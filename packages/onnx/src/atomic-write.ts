// Atomic file output: write a temp file in the target's directory, then rename over the
// target, so readers never see a half-written file and a failure leaves nothing behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OnnxError } from './errors';

export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new OnnxError(`@randwire/onnx/atomic-write: cannot write '${file}': ${(e as Error).message}`, {
      cause: e,
    });
  }
}
