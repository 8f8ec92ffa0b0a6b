// Graph statistics of one random stage, from the spec alone (for `randwire inspect`, render).
import type { RandomStageSpec } from './types';

export interface StageStats {
  /** Internal nodes N. */
  nodes: number;
  /** Edges between internal nodes (the random graph's edges). */
  edges: number;
  /** Nodes fed by the stage's input node (in-degree 0 in the random graph). */
  inputNodes: number;
  /** Nodes feeding the stage's output node (out-degree 0). */
  outputNodes: number;
  /** Internal nodes on the longest input → output path. */
  depth: number;
  /** Nodes with a weighted-sum aggregation (more than one input). */
  aggregatingNodes: number;
  /** Level of each node: 1 for nodes fed by the input, else 1 + the largest level of its inputs. */
  levels: number[];
  /** In- and out-degree of each node, counting edges from the input and to the output node. */
  inDegree: number[];
  outDegree: number[];
}

/** Statistics of a (valid) stage. */
export function stageStats(stage: RandomStageSpec): StageStats {
  const n = stage.nodes.length;
  const levels = new Array<number>(n).fill(1);
  const inDegree = new Array<number>(n).fill(0);
  const outDegree = new Array<number>(n).fill(0);
  let edges = 0;
  let inputNodes = 0;
  let aggregatingNodes = 0;
  for (const node of stage.nodes) {
    inDegree[node.id] = node.inputs.length;
    if (node.inputs.length > 1) aggregatingNodes++;
    let level = 1;
    for (const x of node.inputs) {
      if (x === 'input') {
        inputNodes++;
        continue;
      }
      edges++;
      outDegree[x] = (outDegree[x] ?? 0) + 1;
      level = Math.max(level, (levels[x] ?? 0) + 1);
    }
    levels[node.id] = level;
  }
  for (const o of stage.outputs) outDegree[o] = (outDegree[o] ?? 0) + 1;
  const depth = stage.outputs.reduce((m, o) => Math.max(m, levels[o] ?? 0), 0);
  return {
    nodes: n,
    edges,
    inputNodes,
    outputNodes: stage.outputs.length,
    depth,
    aggregatingNodes,
    levels,
    inDegree,
    outDegree,
  };
}
