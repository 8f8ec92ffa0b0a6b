// Statistics users of the paper look at, for one RandomDag.
import type { RandomDag } from './random-dag';

export interface DegreeDistribution {
  /** histogram[d]: number of internal nodes with degree d. */
  histogram: number[];
  mean: number;
  max: number;
}

export interface DagStatistics {
  /** Internal nodes. */
  nodes: number;
  /** Edges between internal nodes (the random graph's edges). */
  edges: number;
  /** Nodes fed by the input node / feeding the output node. */
  sources: number;
  sinks: number;
  /** In/out degrees of internal nodes over internal edges (the input/output edges excluded). */
  inDegree: DegreeDistribution;
  outDegree: DegreeDistribution;
  /** Longest input → output path, in edges (both end edges included: a single node gives 2). */
  depth: number;
  /** Mean shortest-path length over connected ordered pairs of the UNDIRECTED internal graph;
   * null when no pair is connected or when `shortestPaths` is false. */
  averageShortestPathLength: number | null;
  /** Whether the undirected internal graph is connected. */
  connected: boolean;
  /** Mean local clustering coefficient of the undirected internal graph (nodes of degree < 2
   * count as 0, as in networkx's `average_clustering`). */
  averageClustering: number;
}

export interface DagStatisticsOptions {
  /** Compute the average shortest-path length (one BFS per node: O(n · edges)). */
  shortestPaths?: boolean;
}

export const DAG_STATISTICS_DEFAULTS: Readonly<Required<DagStatisticsOptions>> = Object.freeze({
  shortestPaths: true,
});

function distribution(degrees: number[]): DegreeDistribution {
  const max = degrees.reduce((a, b) => Math.max(a, b), 0);
  const histogram = new Array<number>(max + 1).fill(0);
  let sum = 0;
  for (const d of degrees) {
    histogram[d]!++;
    sum += d;
  }
  return { histogram, mean: degrees.length > 0 ? sum / degrees.length : 0, max };
}

/** Computes DagStatistics (see its fields for the exact definitions). */
export function dagStatistics(dag: RandomDag, options: DagStatisticsOptions = {}): DagStatistics {
  const { shortestPaths } = { ...DAG_STATISTICS_DEFAULTS, ...options };
  const { n, predecessors, successors } = dag;
  const inDegrees = predecessors.map((list) => list.length);
  const outDegrees = successors.map((list) => list.length);
  const edges = inDegrees.reduce((a, b) => a + b, 0);

  // Longest path: ids are a topological order.
  const longest = new Int32Array(n);
  let depth = 0;
  for (let i = 0; i < n; i++) {
    let best = 1;
    for (const j of predecessors[i]!) best = Math.max(best, longest[j]! + 1);
    longest[i] = best;
    if (successors[i]!.length === 0) depth = Math.max(depth, best + 1);
  }

  const neighbours = predecessors.map((pred, i) => [...pred, ...successors[i]!]);

  // Clustering: links among each node's neighbours.
  const mark = new Int32Array(n).fill(-1);
  let clusteringSum = 0;
  for (let v = 0; v < n; v++) {
    const nv = neighbours[v]!;
    const k = nv.length;
    if (k < 2) continue;
    for (const u of nv) mark[u] = v;
    let links = 0;
    for (const u of nv) for (const w of neighbours[u]!) if (mark[w] === v) links++;
    clusteringSum += links / (k * (k - 1));
  }

  // Shortest paths: BFS from every node.
  let pathSum = 0;
  let pairs = 0;
  let connected = true;
  const dist = new Int32Array(n);
  const queue = new Int32Array(n);
  if (shortestPaths || n <= 1) {
    for (let s = 0; s < n; s++) {
      dist.fill(-1);
      dist[s] = 0;
      let head = 0;
      let tail = 0;
      queue[tail++] = s;
      while (head < tail) {
        const v = queue[head++]!;
        for (const w of neighbours[v]!) {
          if (dist[w] === -1) {
            dist[w] = dist[v]! + 1;
            pathSum += dist[w]!;
            pairs++;
            queue[tail++] = w;
          }
        }
      }
      if (tail < n) connected = false;
    }
  } else {
    connected = isConnected(neighbours);
  }

  return {
    nodes: n,
    edges,
    sources: dag.sources.length,
    sinks: dag.sinks.length,
    inDegree: distribution(inDegrees),
    outDegree: distribution(outDegrees),
    depth,
    averageShortestPathLength: shortestPaths && pairs > 0 ? pathSum / pairs : null,
    connected,
    averageClustering: n > 0 ? clusteringSum / n : 0,
  };
}

function isConnected(neighbours: number[][]): boolean {
  const n = neighbours.length;
  const seen = new Uint8Array(n);
  const stack = [0];
  seen[0] = 1;
  let count = 1;
  while (stack.length > 0) {
    for (const w of neighbours[stack.pop()!]!) {
      if (!seen[w]) {
        seen[w] = 1;
        count++;
        stack.push(w);
      }
    }
  }
  return count === n;
}
