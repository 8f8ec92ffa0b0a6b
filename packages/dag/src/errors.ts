// The error hierarchy of @randwire/dag: every error thrown on purpose is a DagError.

/** Base class of every error @randwire/dag throws on purpose. */
export class DagError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DagError';
  }
}

/** The input is not a graph this package can read (wrong type, bad `index` attributes,
 * self-loop, parallel edges, missing input/output node ...). */
export class InvalidGraphError extends DagError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidGraphError';
  }
}

/** A directed graph that should be acyclic has a cycle; `cycle` lists it, first node repeated last. */
export class CycleError extends DagError {
  readonly cycle: string[];
  constructor(where: string, cycle: string[]) {
    super(`@randwire/dag/${where}: the graph has a cycle: ${cycle.join(' -> ')}`);
    this.name = 'CycleError';
    this.cycle = cycle;
  }
}

/** A node cannot be reached from the input node, or cannot reach the output node. */
export class DanglingNodeError extends DagError {
  readonly node: string;
  readonly problem: 'unreachable-from-input' | 'cannot-reach-output';
  constructor(
    where: string,
    node: string,
    problem: 'unreachable-from-input' | 'cannot-reach-output',
    detail: string,
  ) {
    super(
      `@randwire/dag/${where}: dangling node ${JSON.stringify(node)}: ${
        problem === 'unreachable-from-input'
          ? 'not reachable from the input node'
          : 'does not reach the output node'
      } (${detail})`,
    );
    this.name = 'DanglingNodeError';
    this.node = node;
    this.problem = problem;
  }
}

/** A node or edge removal that cannot keep the DAG valid (or names no existing node/edge). */
export class DamageError extends DagError {
  constructor(message: string) {
    super(message);
    this.name = 'DamageError';
  }
}
