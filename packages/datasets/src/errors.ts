// Errors of @randwire/datasets: a small hierarchy; the CLI reports every DatasetError as a
// user mistake (one line, exit code 2). Messages start with where they came from, name the
// file or value and say what was expected.

/** Base class of every error this package throws on purpose. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** A file or folder that does not exist or cannot be read; the message says what to pass instead. */
export class DatasetNotFoundError extends DatasetError {
  override name = 'DatasetNotFoundError';
  constructor(
    message: string,
    /** The path that was looked for. */
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A file whose bytes are not what its format requires: wrong magic, truncated, wrong size, bad gzip. */
export class DatasetFormatError extends DatasetError {
  override name = 'DatasetFormatError';
  constructor(
    message: string,
    /** The offending file. */
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Files that are fine alone but do not fit together (image and label counts, shapes). */
export class DatasetMismatchError extends DatasetError {
  override name = 'DatasetMismatchError';
}

/** An invalid option or argument (batch size, limit, split, synthetic shape ...). */
export class DatasetOptionError extends DatasetError {
  override name = 'DatasetOptionError';
}
