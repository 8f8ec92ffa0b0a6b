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
