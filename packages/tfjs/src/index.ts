export type { BackendFallback, BackendInfo, BackendName, BackendPreference } from './backend';
export { availableBackends, BACKEND_PREFERENCES, selectBackend } from './backend';
export type { CheckpointState, EpochProgress, TrainPosition } from './checkpoint';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  checkpointFileName,
  datasetFingerprint,
  decodeCheckpoint,
  encodeCheckpoint,
  listCheckpoints,
  pruneCheckpoints,
  readCheckpoint,
  stableStringify,
  writeCheckpoint,
} from './checkpoint';
export {
  BackendError,
  CheckpointError,
  KernelError,
  RunDirError,
  TfjsError,
  TrainingDivergedError,
  TrainOptionsError,
} from './errors';
export type { ClassificationMetrics, ClassMetrics, EvaluateOptions, EvaluationResult } from './evaluate';
export { classificationMetrics, EVALUATE_DEFAULTS, evaluate, formatConfusion } from './evaluate';
export type { Initializer, InitScheme, SeededNormalArgs, SeededUniformArgs } from './init';
export {
  biasInitializer,
  CLASSIFIER_INIT_STDDEV,
  DEFAULT_INIT_SCHEME,
  INIT_SCHEMES,
  kernelFans,
  kernelInitializer,
  parameterSeed,
  SeededNormal,
  SeededUniform,
} from './init';
export { normalValues, uniformValues } from './init-random';
export { registerWasmGradientKernels } from './kernels/register';
export { hash32, hashUniform } from './layers/hash';
export { registerRandwireLayers } from './layers/register';
export type { SeededDropoutArgs } from './layers/seeded-dropout';
export { SEEDED_DROPOUT_CLASS_NAME, SeededDropout } from './layers/seeded-dropout';
export type { TrainingNoiseOptions } from './layers/training-noise';
export { TRAINING_NOISE_DEFAULTS, TrainingNoise } from './layers/training-noise';
export { WEIGHTED_SUM_CLASS_NAME, WeightedSum } from './layers/weighted-sum';
export type { BuildModelOptions } from './model';
export { attachTrainingNoise, BUILD_MODEL_DEFAULTS, buildModel, trainingNoiseOf } from './model';
export { ModelBuildError, ModelIoError } from './model-errors';
export type { SaveModelResult } from './model-io';
export {
  artifactsToFiles,
  loadModel,
  loadModelFromDir,
  MODEL_JSON,
  readModelArtifacts,
  saveModelToDir,
  WEIGHTS_BIN,
} from './model-io';
export type { ParameterVariable } from './model-parameters';
export { modelParameterNames, parameterVariables, variableNameToParameter } from './model-parameters';
export { normalizedValues, normalizeImages } from './normalize';
export type { NamedArray, OptimizerParameter, SgdOptions } from './optimizer';
export { SGD_DEFAULTS, SgdMomentum } from './optimizer';
export type { ProgressOptions, ProgressUpdate } from './progress';
export { formatDuration, PROGRESS_DEFAULTS, ProgressReporter } from './progress';
export type { PrepareRunDirOptions } from './run-dir';
export {
  prepareRunDir,
  RUN_FILES,
  readMetrics,
  readRunConfig,
  readRunSpec,
  writeFileAtomic,
  writeJsonFile,
  writeMetrics,
  writeRunSpec,
} from './run-dir';
export type { ScheduleOptions } from './schedule';
export { learningRateAt, SCHEDULE_DEFAULTS } from './schedule';
export type {
  EpochMetrics,
  Recipe,
  RecipeName,
  StepInfo,
  TrainData,
  TrainEngine,
  TrainEngineFactory,
  TrainEvaluator,
  TrainHooks,
  TrainOptions,
  TrainResult,
} from './train';
export {
  modelWeights,
  RECIPE_NAMES,
  resolveTrainOptions,
  setModelWeights,
  specHash,
  TRAIN_DEFAULTS,
  TRAIN_RECIPES,
  tfjsEngine,
  tfjsEvaluator,
  train,
} from './train';
export type { TrainStepOptions, TrainStepResult } from './train-step';
export { TRAIN_STEP_DEFAULTS, TrainStep } from './train-step';
