// Graph damage on a trained network (randwire.md section 8; the paper's Figure 7): remove one
// node or one edge of a random stage, without retraining. Removing a node zeroes its output;
// removing an edge drops one input of a node. Every weighted sum that loses an input keeps
// its total weight: the remaining inputs' weights are scaled by sum(all) / sum(remaining)
// (the renormalisation), and the stage's output node, an unweighted mean, averages the
// outputs that remain. A node whose only input is removed receives zeros.
//
// The damage is written into the weights alone — the spec (so the exported graph, the
// parameter names and shapes) stays as it is — so any runtime evaluates a damaged network
// with its ordinary model: a zeroed node gets batch-norm gamma = beta = 0; a removed weighted
// input gets logit -1e4 (sigmoid exactly 0 in float32 and float64); a node fed only zeros gets
// gamma = 0 and beta = its batch norm's value at 0. Scales that sigmoid weights cannot carry
// (a sum of weights above 1, the output mean's m / (m - 1)) are folded into the batch norm
// that follows: every node transform and the head are ReLU → positively homogeneous op → BN,
// and BN(s·y) = BN'(y) with gamma' = s·gamma, moving_mean' = moving_mean / s.
//
// @randwire/dag's removeNode/removeEdge change the graph itself (orphans are rewired to the
// input or output node); this is the network-level damage the paper measures.
import {
  HEAD_LAYERS,
  type NetworkSpec,
  nodeLayerNames,
  type RandomStageSpec,
  stageStats,
} from '@randwire/spec';
import { NetworkDamageError } from './errors';

export type NetworkDamage =
  | { kind: 'node'; stage: string; node: number }
  | { kind: 'edge'; stage: string; from: number; to: number };

export type DamageKind = NetworkDamage['kind'];

/** A weight in tfjs layout under its parameterList name (@randwire/onnx's WeightTensor). */
export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

export interface DamageCase {
  damage: NetworkDamage;
  /** e.g. `s1 node 3`, `s1 edge 2->5`. */
  label: string;
  /** Node removal: the node's in- and out-degree; edge removal: the target's in-degree and
   * the source's out-degree. Edges from the input node and to the output node count. */
  inDegree: number;
  outDegree: number;
}

/** A logit whose sigmoid is exactly 0 in float32 and float64. */
export const ZERO_WEIGHT_LOGIT = -1e4;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (w: number) => Math.log(w / (1 - w));

function stageOf(spec: NetworkSpec, name: string): { stage: RandomStageSpec; index: number } {
  const index = spec.stages.findIndex((s) => s.name === name);
  if (index < 0) {
    throw new NetworkDamageError(
      `@randwire/studies/damage: no stage '${name}' in spec '${spec.name}': stages are ${spec.stages.map((s) => s.name).join(', ')}`,
    );
  }
  return { stage: spec.stages[index]!, index };
}

/** Every single-node or single-edge damage of the given stages (default all), in order:
 * nodes by id, then internal edges by (from, to). Edges from the input node and to the output
 * node are a node's only input or output: removing them is removing the node. */
export function damageCases(
  spec: NetworkSpec,
  options: { stages?: readonly string[]; kinds?: readonly DamageKind[] } = {},
): DamageCase[] {
  const kinds = options.kinds ?? ['node', 'edge'];
  const names = options.stages ?? spec.stages.map((s) => s.name);
  const out: DamageCase[] = [];
  for (const name of names) {
    const { stage } = stageOf(spec, name);
    const st = stageStats(stage);
    if (kinds.includes('node')) {
      for (const n of stage.nodes) {
        out.push({
          damage: { kind: 'node', stage: name, node: n.id },
          label: `${name} node ${n.id}`,
          inDegree: st.inDegree[n.id]!,
          outDegree: st.outDegree[n.id]!,
        });
      }
    }
    if (kinds.includes('edge')) {
      const edges: Array<[number, number]> = [];
      for (const n of stage.nodes) for (const i of n.inputs) if (i !== 'input') edges.push([i, n.id]);
      edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (const [from, to] of edges) {
        out.push({
          damage: { kind: 'edge', stage: name, from, to },
          label: `${name} edge ${from}->${to}`,
          inDegree: st.inDegree[to]!,
          outDegree: st.outDegree[from]!,
        });
      }
    }
  }
  return out;
}

/** The weights of the damaged network (a new map; changed tensors are copies, the others are
 * shared with `weights`). See the file comment for what is changed. */
export function damageWeights(
  spec: NetworkSpec,
  weights: ReadonlyMap<string, WeightTensor>,
  damage: NetworkDamage,
): Map<string, WeightTensor> {
  const where = '@randwire/studies/damage';
  const { stage, index } = stageOf(spec, damage.stage);
  const out = new Map(weights);
  const edit = (name: string): Float32Array => {
    const w = out.get(name);
    if (!w)
      throw new NetworkDamageError(
        `${where}: the weights have no '${name}' (do they belong to spec '${spec.name}'?)`,
      );
    const copy = { shape: w.shape, data: Float32Array.from(w.data) };
    out.set(name, copy);
    return copy.data;
  };
  const eps = spec.batchNorm.epsilon;
  /** The BN `bn`'s input is now 1/s of what it should be: BN(s·y) = BN'(y). */
  const foldScale = (bn: string, s: number) => {
    if (s === 1) return;
    const gamma = edit(`${bn}/gamma`);
    const mean = edit(`${bn}/moving_mean`);
    for (let c = 0; c < gamma.length; c++) {
      gamma[c] = gamma[c]! * s;
      mean[c] = mean[c]! / s;
    }
  };
  const nodeAt = (id: number) => {
    const n = stage.nodes.find((x) => x.id === id);
    if (!n) {
      throw new NetworkDamageError(
        `${where}: stage '${stage.name}' has no node ${id}: ids are 0..${stage.nodes.length - 1}`,
      );
    }
    return n;
  };
  /** Drops input `from` of node `to`: renormalise its weighted sum, or feed it zeros. */
  const dropInput = (toId: number, from: number | 'input') => {
    const to = nodeAt(toId);
    const slot = to.inputs.indexOf(from);
    if (slot < 0)
      throw new NetworkDamageError(`${where}: stage '${stage.name}' has no edge ${from} -> ${toId}`);
    const bn = nodeLayerNames(stage, to).bn;
    if (to.inputs.length === 1) {
      // Zero input: ReLU(0) = 0, op(0) = 0, so the node outputs BN(0) = beta - gamma·mean/sd.
      const gamma = edit(`${bn}/gamma`);
      const beta = edit(`${bn}/beta`);
      const mean = out.get(`${bn}/moving_mean`)!.data;
      const variance = out.get(`${bn}/moving_variance`)!.data;
      for (let c = 0; c < gamma.length; c++) {
        beta[c] = beta[c]! - (gamma[c]! * mean[c]!) / Math.sqrt(variance[c]! + eps);
        gamma[c] = 0;
      }
      return;
    }
    const logits = edit(`${nodeLayerNames(stage, to).agg}/logits`);
    const w = Array.from(logits, sigmoid);
    const total = w.reduce((a, b) => a + b, 0);
    const kept = total - w[slot]!;
    const scaled = w.map((x, i) => (i === slot ? 0 : (x * total) / kept));
    const largest = Math.max(...scaled);
    // Sigmoid weights live in (0, 1): above 0.9, carry a factor t in the batch norm instead.
    const t = largest > 0.9 ? 2 * largest : 1;
    scaled.forEach((x, i) => {
      logits[i] = i === slot ? ZERO_WEIGHT_LOGIT : logit(x / t);
    });
    foldScale(bn, t);
  };

  if (damage.kind === 'edge') {
    nodeAt(damage.from);
    dropInput(damage.to, damage.from);
    return out;
  }
  const node = nodeAt(damage.node);
  const bn = nodeLayerNames(stage, node).bn;
  edit(`${bn}/gamma`).fill(0);
  edit(`${bn}/beta`).fill(0);
  for (const succ of stage.nodes) {
    if (succ.inputs.length > 1 && succ.inputs.includes(node.id)) dropInput(succ.id, node.id);
  }
  const m = stage.outputs.length;
  if (stage.outputs.includes(node.id) && m > 1) {
    // The output node's mean now includes one zero: scale it by m / (m - 1) in its consumers.
    const next = spec.stages[index + 1];
    const consumers = next
      ? next.nodes
          .filter((n) => n.inputs.length === 1 && n.inputs[0] === 'input')
          .map((n) => nodeLayerNames(next, n).bn)
      : [HEAD_LAYERS.bn];
    for (const c of consumers) foldScale(c, m / (m - 1));
  }
  return out;
}
