// Errors of @randwire/onnx: a small hierarchy. The CLI reports every OnnxError as a user
// mistake (one line, exit code 2). Messages start with where they came from
// ('@randwire/onnx/<file>: ...'), name the bad value and what was expected.

/** Base class of every error thrown by @randwire/onnx. */
export class OnnxError extends Error {
  override name = 'OnnxError';
}

/** Export failed: bad options, or weights missing / mismatched in shape / not finite. */
export class ExportError extends OnnxError {
  override name = 'ExportError';
}

/** tfjs artifacts (model.json + weight files) could not be read. */
export class WeightsReadError extends OnnxError {
  override name = 'WeightsReadError';
}

/** onnxruntime could not load or run a model, or inputs did not match it. */
export class OnnxRuntimeError extends OnnxError {
  override name = 'OnnxRuntimeError';
}

/** Outputs to compare do not have the same shape, or a model lacks randwire metadata. */
export class VerifyError extends OnnxError {
  override name = 'VerifyError';
}
