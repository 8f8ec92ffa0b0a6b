export type { CompareOptions, Comparison } from './compare-outputs';
export { COMPARE_DEFAULTS, compareOutputs } from './compare-outputs';
export { ExportError, OnnxError, OnnxRuntimeError, VerifyError, WeightsReadError } from './errors';
export type { Aggregation, ExportOptions, ExportSummary } from './export-onnx';
export {
  AGGREGATIONS,
  buildOnnxModel,
  defaultIrVersion,
  EXPORT_DEFAULTS,
  exportOnnx,
  MAX_IR_VERSION,
  MAX_OPSET,
  MIN_IR_VERSION,
  MIN_OPSET,
  OP_MIN_OPSET,
} from './export-onnx';
export type { ExportRunDirResult } from './export-run-dir';
export { exportRunDir } from './export-run-dir';
export type { AttributeValue } from './graph-builder';
export { attr, float32RawData, floatValueInfo, GraphBuilder } from './graph-builder';
export { depthwiseToOnnx, hwioToOihw, nchwToNhwc, nhwcToNchw, normalizeUint8ToNchw } from './layout';
export type { OnnxModelInfo } from './metadata';
export { METADATA_KEYS, readOnnxMetadata } from './metadata';
export type { EmitContext, NodeTransformOp, TransformArgs } from './node-transforms';
export { NODE_TRANSFORM_OPS, nodeTransformOp } from './node-transforms';
export { PAD_CHANNELS_ALLOWED } from './pad-channels';
export type { OnnxPrediction, PredictOnnxOptions, Uint8Images } from './predict-onnx';
export { PREDICT_DEFAULTS, predictOnnx } from './predict-onnx';
export type {
  ExecutionProviderChoice,
  GraphOptimizationLevel,
  NchwInput,
  OnnxOutputs,
  RunOnnxOptions,
} from './run-onnx';
export { cudaAvailable, OnnxSession, RUN_DEFAULTS, runOnnx } from './run-onnx';
export { onnxSamePads, sameOutputSize, samePadding } from './same-padding';
export type { Throughput, ThroughputOptions } from './throughput';
export { measureOnnxThroughput, THROUGHPUT_DEFAULTS } from './throughput';
export type { WeightMap, WeightTensor } from './weights';
export { readTfjsWeights, validateWeights } from './weights';
