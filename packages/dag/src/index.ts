export type { DamageResult } from './damage';
export { removeEdge, removeNode } from './damage';
export type { DagNodeAttributes, DirectedGraphOptions, FromDirectedGraphResult } from './directed';
export {
  DIRECTED_GRAPH_DEFAULTS,
  fromDirectedGraph,
  INPUT,
  OUTPUT,
  toDirectedGraph,
  topologicalOrder,
  validateDag,
} from './directed';
export { CycleError, DagError, DamageError, DanglingNodeError, InvalidGraphError } from './errors';
export type { RandomDag } from './random-dag';
export {
  checkRandomDag,
  dagFromEdgeList,
  dagFromIndexPairs,
  dagFromPredecessors,
  findCycle,
  toDag,
} from './random-dag';
export type { DotOptions, GraphFormat } from './serialize';
export { DOT_DEFAULTS, GRAPH_FORMATS, serializeGraph, toDot, toGraphml, toGraphologyJson } from './serialize';
export type { DagStatistics, DagStatisticsOptions, DegreeDistribution } from './statistics';
export { DAG_STATISTICS_DEFAULTS, dagStatistics } from './statistics';
