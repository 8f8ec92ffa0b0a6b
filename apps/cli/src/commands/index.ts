// The command registry: one entry per command, in the order `randwire --help` lists them.
// An entry holds the command's name and summary (for `randwire --help`) and loads the
// command's module only when that command is run or asked for its --help, so one command
// never loads the modules and packages of the others (startup time; see lazy-packages.ts).
// The summary repeats the command's own (cli.test.ts checks they are equal).
import type { Command } from '../cli';

export interface CommandEntry {
  name: string;
  summary: string;
  /** Requires the command's module (cached by node after the first call). */
  load(): Command;
}

export const commands: readonly CommandEntry[] = Object.freeze([
  {
    name: 'graph',
    summary: 'Generate a seeded random graph (WS, BA, ER) and print its DAG with input/output nodes',
    load: () => (require('./graph') as typeof import('./graph')).graphCommand,
  },
  {
    name: 'generate',
    summary: 'Generate a randomly wired network spec g(θ, s) (canonical JSON)',
    load: () => (require('./generate') as typeof import('./generate')).generateCommand,
  },
  {
    name: 'inspect',
    summary: 'Print a spec’s stages, graph statistics, parameters and multiply-adds',
    load: () => (require('./inspect') as typeof import('./inspect')).inspectCommand,
  },
  {
    name: 'validate',
    summary: 'Check a spec file against the schema and every semantic rule (exit 0 valid, 2 invalid)',
    load: () => (require('./validate') as typeof import('./validate')).validateCommand,
  },
  {
    name: 'render',
    summary: 'Draw each random stage’s DAG (input at top, output at bottom) as SVG or PNG',
    load: () => (require('./render') as typeof import('./render')).renderCommand,
  },
  {
    name: 'train',
    summary: 'Train a spec network (SGD momentum, cosine lr; --recipe default|paper) into a run directory',
    load: () => (require('./train') as typeof import('./train')).trainCommand,
  },
  {
    name: 'eval',
    summary: "Evaluate a run's model: accuracy, loss, per-class accuracy, confusion matrix",
    load: () => (require('./eval') as typeof import('./eval')).evalCommand,
  },
  {
    name: 'predict',
    summary: "Top-k classes of images under a run's model or an exported ONNX model",
    load: () => (require('./predict') as typeof import('./predict')).predictCommand,
  },
  {
    name: 'export',
    summary: 'Export a trained run directory to an ONNX model (NCHW, dynamic batch)',
    load: () => (require('./export') as typeof import('./export')).exportCommand,
  },
  {
    name: 'verify',
    summary: 'Check an exported ONNX model against the run it came from (onnxruntime vs tfjs)',
    load: () => (require('./verify') as typeof import('./verify')).verifyCommand,
  },
  {
    name: 'sweep',
    summary: 'Train a grid of networks (θ × seeds × training options) into a resumable sweep directory',
    load: () => (require('./sweep') as typeof import('./sweep')).sweepCommand,
  },
  {
    name: 'worker',
    summary: 'Train the points of queued sweeps (randwire sweep --queue) taken from a Redis job queue',
    load: () => (require('./worker') as typeof import('./worker')).workerCommand,
  },
  {
    name: 'report',
    summary: 'Summarise a sweep: mean ± std per group (all but the seed), report.md and SVG plots',
    load: () => (require('./report') as typeof import('./report')).reportCommand,
  },
  {
    name: 'damage',
    summary: 'Remove one node or edge of a trained network at a time and measure the accuracy drop',
    load: () => (require('./damage') as typeof import('./damage')).damageCommand,
  },
]);
