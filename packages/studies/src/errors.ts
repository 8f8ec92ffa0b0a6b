// Errors of @randwire/studies: one base class (listed as user-facing by the CLI) and a subclass
// per concern. Messages start with where they came from (a file and JSON pointer, or the
// module) and name the bad value and what is allowed.

/** Base class of every error this package throws. */
export class StudiesError extends Error {
  override name = 'StudiesError';
}

/** A plan that is not valid: bad JSON, a schema violation or a grid that cannot expand. */
export class PlanError extends StudiesError {
  override name = 'PlanError';
}

/** A point payload that is not valid, or a run directory that holds another point. */
export class PointError extends StudiesError {
  override name = 'PointError';
}

/** A results file that cannot be read or written. */
export class ResultsError extends StudiesError {
  override name = 'ResultsError';
}

/** A damage request that names no node or edge of the network. */
export class NetworkDamageError extends StudiesError {
  override name = 'NetworkDamageError';
}
