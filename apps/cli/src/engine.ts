// The `--engine` option of `randwire train`: what runs the optimizer steps. `tfjs` trains the
// tfjs model on its backend (wasm/cpu here); `onnxruntime` runs @randwire/onnx-train's training-step
// graph in onnxruntime-node (every core, from npm alone) and copies the weights into the tfjs
// model at the end of each epoch (evaluation, model/ and checkpoints stay tfjs). `auto` picks
// onnxruntime whenever it can train the network exactly (node transforms it differentiates, no
// drop-edge, no dropout), tfjs otherwise. Both engines compute the same recipe (tested to agree
// within 2e-4 after several steps) and share checkpoints: a run may resume on either.
import { availableParallelism } from 'node:os';
import type { NetworkSpec } from '@randwire/spec';
import type { TrainEngineFactory } from '@randwire/tfjs';
import { type CommandContext, choiceOption, type OptionDef, UserError } from './cli';
import { loadOnnxTrain, loadTfjs } from './lazy-packages';

export const ENGINE_CHOICES = ['auto', 'tfjs', 'onnxruntime'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

export const ENGINE_OPTION: Readonly<OptionDef> = Object.freeze({
  type: 'string',
  arg: 'NAME',
  default: 'auto',
  description: `what computes the training steps: ${ENGINE_CHOICES.join('|')} (auto: onnxruntime when it supports the network, else tfjs)`,
});

export function engineOption(command: string, raw: string | boolean | string[] | undefined): EngineChoice {
  return choiceOption(command, 'engine', raw ?? 'auto', ENGINE_CHOICES)!;
}

/** Why onnxruntime cannot train this run exactly, or null when it can. */
export function onnxruntimeUnsupported(spec: NetworkSpec, dropEdge: number): string | null {
  const { TRAIN_GRAPH_TRANSFORMS } = loadOnnxTrain();
  const stage = spec.stages.find((s) => !TRAIN_GRAPH_TRANSFORMS.includes(s.transform));
  if (stage) {
    return `stage '${stage.name}' uses node transform '${stage.transform}' (onnxruntime trains ${TRAIN_GRAPH_TRANSFORMS.join(', ')})`;
  }
  if (spec.head.dropout > 0) return `the spec has head dropout ${spec.head.dropout}`;
  if (dropEdge > 0) return `drop-edge is ${dropEdge}`;
  return null;
}

/** The onnxruntime engine (threads: intra-op threads, default every core). */
export function onnxruntimeEngine(threads?: number): TrainEngineFactory {
  return loadOnnxTrain().onnxTrainEngine(loadTfjs(), threads !== undefined ? { threads } : {});
}

/** Resolves `--engine` for a run, says on stderr which engine runs and why. */
export function chooseEngine(
  command: string,
  choice: EngineChoice,
  spec: NetworkSpec,
  dropEdge: number,
  ctx: Pick<CommandContext, 'err'>,
): { name: 'tfjs' | 'onnxruntime'; factory?: TrainEngineFactory } {
  if (choice === 'tfjs') {
    ctx.err('engine: tfjs (--engine tfjs)');
    return { name: 'tfjs' };
  }
  const why = onnxruntimeUnsupported(spec, dropEdge);
  if (why !== null) {
    if (choice === 'onnxruntime') {
      throw new UserError(
        `randwire ${command}: --engine onnxruntime cannot train this run: ${why}; use --engine tfjs or auto`,
      );
    }
    ctx.err(`engine: tfjs (onnxruntime cannot train this run: ${why})`);
    return { name: 'tfjs' };
  }
  ctx.err(
    `engine: onnxruntime (${availableParallelism()} threads; evaluation and saving on tfjs)${choice === 'auto' ? ' — --engine tfjs to train on the tfjs backend' : ''}`,
  );
  return { name: 'onnxruntime', factory: onnxruntimeEngine() };
}
