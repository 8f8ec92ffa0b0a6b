// The `--engine` option of `randwire train`: what runs the optimizer steps. `tfjs` trains the
// tfjs model on its backend (wasm/cpu here); `onnxruntime` runs @randwire/onnx-train's training-step
// graph in onnxruntime-node (every core, from npm alone), copies the weights into the tfjs
// model at the end of each epoch (model/ and checkpoints stay tfjs) and evaluates there on
// onnxruntime too (onnx-evaluate.ts). It trains every network the spec allows (all node
// transforms, head dropout, drop-edge with the masks of the model's TrainingNoise), so `auto`
// picks it unless a spec uses a node transform it does not know. Both engines compute the
// same recipe (tested to agree within 2e-4 after several steps) and share checkpoints: a run
// may resume on either.
import { availableParallelism } from 'node:os';
import type { NetworkSpec } from '@randwire/spec';
import type { TrainEngineFactory, TrainEvaluator } from '@randwire/tfjs';
import { type CommandContext, choiceOption, type OptionDef, UserError } from './cli';
import { loadOnnxTrain, loadTfjs } from './lazy-packages';
import { onnxruntimeEvaluator } from './onnx-evaluate';

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

/** Why onnxruntime cannot train this spec exactly, or null when it can. */
export function onnxruntimeUnsupported(spec: NetworkSpec): string | null {
  const { TRAIN_GRAPH_TRANSFORMS } = loadOnnxTrain();
  const stage = spec.stages.find((s) => !TRAIN_GRAPH_TRANSFORMS.includes(s.transform));
  if (stage) {
    return `stage '${stage.name}' uses node transform '${stage.transform}' (onnxruntime trains ${TRAIN_GRAPH_TRANSFORMS.join(', ')})`;
  }
  return null;
}

/** The onnxruntime engine (threads: intra-op threads, default every core). */
export function onnxruntimeEngine(threads?: number): TrainEngineFactory {
  return loadOnnxTrain().onnxTrainEngine(loadTfjs(), threads !== undefined ? { threads } : {});
}

/** Resolves `--engine` for a run, says on stderr which engine runs and why (threads:
 * onnxruntime's intra-op threads, default every core). */
export function chooseEngine(
  command: string,
  choice: EngineChoice,
  spec: NetworkSpec,
  ctx: Pick<CommandContext, 'err'>,
  threads?: number,
): { name: 'tfjs' | 'onnxruntime'; factory?: TrainEngineFactory; evaluator?: TrainEvaluator } {
  if (choice === 'tfjs') {
    ctx.err('engine: tfjs (--engine tfjs)');
    return { name: 'tfjs' };
  }
  const why = onnxruntimeUnsupported(spec);
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
    `engine: onnxruntime (${threads ?? availableParallelism()} threads, evaluation too; saving on tfjs)${choice === 'auto' ? ' — --engine tfjs to train on the tfjs backend' : ''}`,
  );
  return {
    name: 'onnxruntime',
    factory: onnxruntimeEngine(threads),
    evaluator: onnxruntimeEvaluator(threads),
  };
}
