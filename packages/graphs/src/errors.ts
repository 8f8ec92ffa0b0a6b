// The error hierarchy of @randwire/graphs: every error thrown on purpose is a GraphsError.

/** Base class of every error @randwire/graphs throws on purpose. */
export class GraphsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GraphsError';
  }
}

/** A generator parameter (n, k, p, m, rng, model) is missing, of the wrong type or out of range. */
export class InvalidParameterError extends GraphsError {
  /** The parameter's name, e.g. `k`. */
  readonly parameter: string;
  /** The value given (as given: may be undefined, NaN, a string ...). */
  readonly value: unknown;
  /** What is allowed, in words, e.g. `an even integer with 2 <= k < n (n = 32)`. */
  readonly allowed: string;

  constructor(where: string, parameter: string, value: unknown, allowed: string) {
    super(`@randwire/graphs/${where}: invalid ${parameter} (${describe(value)}): must be ${allowed}`);
    this.name = 'InvalidParameterError';
    this.parameter = parameter;
    this.value = value;
    this.allowed = allowed;
  }
}

/** A graph too large to generate (more than MAX_EDGES edges, from its parameters alone). */
export class GraphSizeError extends GraphsError {
  /** The edges the parameters give (ER: expected). */
  readonly edges: number;

  constructor(message: string, edges: number) {
    super(message);
    this.name = 'GraphSizeError';
    this.edges = edges;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
