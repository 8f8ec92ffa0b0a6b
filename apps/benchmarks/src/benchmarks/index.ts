// The benchmark registry: one entry per benchmark file, in the order `pnpm bench` runs them.
import type { Benchmark } from '../harness';
import { accuracy } from './accuracy';
import { generatorComparison } from './generator-comparison';
import { graphGeneration } from './graph-generation';
import { memory } from './memory';
import { onnxInference } from './onnx-inference';
import { specGeneration } from './spec-generation';
import { training } from './training';
import { trainingLoop } from './training-loop';
import { trainingScaling } from './training-scaling';
import { wasmKernels } from './wasm-kernels';

export const benchmarks: Benchmark[] = [
  graphGeneration,
  specGeneration,
  training,
  trainingLoop,
  trainingScaling,
  memory,
  wasmKernels,
  onnxInference,
  generatorComparison,
  accuracy,
];
