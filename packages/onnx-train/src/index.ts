export { OnnxTrainError } from './errors';
export type { EngineRecipe, ModelWeightsAccess } from './train-engine';
export { onnxTrainEngine } from './train-engine';
export type { TrainGraph, TrainGraphMasks, TrainGraphOptions, TrainGraphParameter } from './train-graph';
export { buildTrainingGraph, TRAIN_GRAPH_TRANSFORMS } from './train-graph';
export type {
  NamedArray,
  OnnxStepResult,
  OnnxTrainLayout,
  OnnxTrainOptions,
  TrainingNoiseSource,
} from './train-session';
export { nchwcBlockSize, ONNX_TRAIN_DEFAULTS, ONNX_TRAIN_LAYOUTS, OnnxTrainStep } from './train-session';
