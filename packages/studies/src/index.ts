export type { AxisSpec, ChartOptions, LegendEntry } from './chart';
export { Chart, colorAt, niceTicks, PALETTE } from './chart';
export type { DamageCase, DamageKind, NetworkDamage, WeightTensor } from './damage';
export { damageCases, damageWeights, ZERO_WEIGHT_LOGIT } from './damage';
export type { DamageOutcome } from './damage-plot';
export { damagePlot } from './damage-plot';
export { NetworkDamageError, PlanError, PointError, ResultsError, StudiesError } from './errors';
export type { PointDraft } from './expand';
export { expandPlan, PLAN_DEFAULTS } from './expand';
export type {
  Alternatives,
  DataChoice,
  EngineChoice,
  GeneratorAxes,
  SweepPlan,
  Theta,
  TrainAxes,
  TrainValues,
} from './plan';
export {
  ENGINES,
  GRAPH_PARAM_MODELS,
  PLAN_FORMAT,
  PLAN_INIT_SCHEMES,
  PLAN_RECIPES,
  PLAN_SCHEMA,
  PLAN_VERSION,
  THETA_FIELDS,
  TRAIN_FIELDS,
} from './plan';
export type { PlotFile } from './plots';
export {
  accuracyByGroupPlot,
  accuracyVsCostPlot,
  accuracyVsFieldPlot,
  FIELD_LABELS,
  sweepPlots,
} from './plots';
export type { Recipe, SweepPoint } from './point';
export {
  makePoint,
  POINT_FORMAT,
  POINT_ID_LENGTH,
  POINT_VERSION,
  pointDirName,
  pointId,
  validatePoint,
} from './point';
export type { GroupReport, ReportPoint, SweepReport } from './report';
export {
  buildReport,
  formatValue,
  graphLabel,
  meanStd,
  millions,
  percent,
  reportMarkdown,
  reportTable,
  resultGraphLabel,
} from './report';
export type { PointResult, ReadResults } from './results';
export { appendResult, RESULT_FORMAT, RESULT_VERSION, readResults, writeResults } from './results';
export type { ResultGroup, Summary } from './statistics';
export { groupFields, groupResults, pearson, summarize } from './statistics';
export { PLAN_LIMITS, parsePlan, parseSeeds, validatePlan } from './validate-plan';
