// Errors of @randwire/onnx-train. A subclass of @randwire/onnx's OnnxError, so callers that
// report OnnxError as a user mistake (the CLI: one line, exit code 2) report these too.
// Messages start with where they came from ('@randwire/onnx-train/<file>: ...').
import { OnnxError } from '@randwire/onnx';

/** The training graph cannot be built for a spec (unsupported transform, bad option), or
 * onnxruntime could not load or run it, or state passed in does not match the spec. */
export class OnnxTrainError extends OnnxError {
  override name = 'OnnxTrainError';
}
