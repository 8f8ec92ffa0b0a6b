export { OnnxTrainError } from './errors';
export type { TrainGraph, TrainGraphMasks, TrainGraphOptions, TrainGraphParameter } from './train-graph';
export { buildTrainingGraph, TRAIN_GRAPH_TRANSFORMS } from './train-graph';
export type { NamedArray, OnnxStepResult, OnnxTrainOptions, TrainingNoiseSource } from './train-session';
export { ONNX_TRAIN_DEFAULTS, OnnxTrainStep } from './train-session';
