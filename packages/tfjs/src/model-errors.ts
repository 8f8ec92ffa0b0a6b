// Errors of building, saving and loading spec models. Subclasses of the package's TfjsError,
// so the CLI reports them as one-line user errors.
import { TfjsError } from './errors';

/** A spec the tfjs builder cannot turn into a model (unknown op, bad wiring, bad option),
 * or a model whose weights do not match its spec. */
export class ModelBuildError extends TfjsError {
  override name = 'ModelBuildError';
}

/** Saving or loading model artifacts failed (missing, unreadable or malformed files). */
export class ModelIoError extends TfjsError {
  override name = 'ModelIoError';
}
