// The heavy packages, required on first use instead of at startup: @randwire/tfjs loads
// TensorFlow.js and its wasm backend (~0.3 s), @randwire/onnx and @randwire/onnx-train load onnxruntime-node,
// @resvg/resvg-js is a native addon, @randwire/spec loads ajv (~70 ms), bullmq and ioredis (the
// job queue of `sweep --queue` and `worker`) load their Redis client. Commands that do
// not need them (graph, generate, inspect, validate, `--help` of any command) never load
// them: command modules import these packages' types only (`import type`) and call the
// loaders below inside `run`. (Node caches modules: a second call costs a lookup.)

export function loadTfjs(): typeof import('@randwire/tfjs') {
  return require('@randwire/tfjs');
}

export function loadOnnx(): typeof import('@randwire/onnx') {
  return require('@randwire/onnx');
}

export function loadOnnxTrain(): typeof import('@randwire/onnx-train') {
  return require('@randwire/onnx-train');
}

export function loadTensorflow(): typeof import('@tensorflow/tfjs') {
  return require('@tensorflow/tfjs');
}

export function loadResvg(): typeof import('@resvg/resvg-js') {
  return require('@resvg/resvg-js');
}

export function loadSpec(): typeof import('@randwire/spec') {
  return require('@randwire/spec');
}

export function loadStudies(): typeof import('@randwire/studies') {
  return require('@randwire/studies');
}

export function loadBullmq(): typeof import('bullmq') {
  return require('bullmq');
}

export function loadIoredis(): typeof import('ioredis').default {
  return require('ioredis').default;
}
