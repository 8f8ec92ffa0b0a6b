// Atomic file output through @randwire/spec's writeFileAtomic (temp file in the target's
// folder, fsync, rename: readers never see a half-written file, a failure leaves nothing
// behind), with the failure reported as an OnnxError naming the file.
import { writeFileAtomic } from '@randwire/spec';
import { OnnxError } from './errors';

export function writeOnnxFileAtomic(file: string, data: Uint8Array | string): void {
  try {
    writeFileAtomic(file, data);
  } catch (e) {
    throw new OnnxError(`@randwire/onnx/atomic-write: cannot write '${file}': ${(e as Error).message}`, {
      cause: e,
    });
  }
}
