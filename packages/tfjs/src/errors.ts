// Errors of @randwire/tfjs: a small hierarchy; the CLI reports every TfjsError as a user
// mistake (one line, exit code 2). Messages start with where they came from.

export class TfjsError extends Error {
  override name = 'TfjsError';
}

/** A run directory that cannot be used: non-empty without resume, missing or unreadable files. */
export class RunDirError extends TfjsError {
  override name = 'RunDirError';
}

/** A checkpoint that is corrupt, truncated, or does not match the spec, data or options. */
export class CheckpointError extends TfjsError {
  override name = 'CheckpointError';
}

/** Training stopped because the loss became NaN or infinite; the last good checkpoint is kept. */
export class TrainingDivergedError extends TfjsError {
  override name = 'TrainingDivergedError';
}

/** An invalid training or evaluation option (names the option, the value and what is allowed). */
export class TrainOptionsError extends TfjsError {
  override name = 'TrainOptionsError';
}

/** A tfjs backend that was asked for but cannot be used (names it, why, and what is available). */
export class BackendError extends TfjsError {
  override name = 'BackendError';
}

/** A registered kernel called with arguments it does not support (names the kernel and the value). */
export class KernelError extends TfjsError {
  override name = 'KernelError';
}
