export type { CostOptions, GroupCost, LayerCost, LayerOp, SpecCost, TotalCost } from './cost';
export { COST_DEFAULTS, costOf } from './cost';
export type { SpecProblem } from './errors';
export { formatProblem, SpecBuildError, SpecError, SpecParseError, SpecValidationError } from './errors';
export type { GenerateSpecOptions, RandomGraphModel, StageOptions, StemUnitOptions } from './generate';
export { GENERATE_DEFAULTS, generateSpec, NORMALIZATIONS } from './generate';
export type { ConvUnitLayerNames, NodeLayerNames, ParameterInfo } from './names';
export {
  convUnitLayerNames,
  HEAD_LAYERS,
  INPUT_NAME,
  nodeInChannels,
  nodeLayerNames,
  nodeLayerPrefix,
  nodeParameters,
  OUTPUT_NAMES,
  parameterList,
  stageOutputName,
} from './names';
export type { Normalization, PresetName, PresetTemplate } from './presets';
export { PRESET_NAMES, PRESET_SIZES, presetTemplate } from './presets';
export type { RenderSvgOptions } from './render-svg';
export { RENDER_DEFAULTS, renderSpecSvg } from './render-svg';
export { SCHEMA_LIMITS, SPEC_SCHEMA } from './schema';
export { serializeSpec } from './serialize';
export { stableStringify } from './stable-stringify';
export { stageSeed } from './stage-seed';
export type { StageStats } from './stage-stats';
export { stageStats } from './stage-stats';
export { escapeXml, svgNumber } from './svg';
export type {
  BatchNormSpec,
  ConvUnitSpec,
  GraphModel,
  HeadSpec,
  InputSpec,
  NetworkSpec,
  NodeInput,
  NodeTransform,
  ProvenanceSpec,
  RandomStageSpec,
  StageGraphProvenance,
  StageNodeSpec,
} from './types';
export { NODE_TRANSFORMS, SPEC_FORMAT, SPEC_VERSION } from './types';
export type { ValidateOptions, ValidateResult } from './validate';
export { parseSpec, RESERVED_NAMES, VALIDATE_DEFAULTS, validateSpec } from './validate';
export { LIBRARY_NAME, LIBRARY_VERSION } from './version';
export { writeFileAtomic } from './write-file-atomic';
