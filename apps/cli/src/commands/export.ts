// `randwire export`: a training run directory (spec.json + model/) → an ONNX model file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Command, choiceOption, numberOption, UserError } from '../cli';
// Help constants copied from @randwire/onnx, which loads onnxruntime-node: it is required in run.
import {
  EXPORT_DEFAULTS,
  MAX_IR_VERSION,
  MAX_OPSET,
  MIN_IR_VERSION,
  MIN_OPSET,
  PAD_CHANNELS_ALLOWED,
} from '../help-constants';
import { loadOnnx } from '../lazy-packages';

const NAME = 'export';

/** @randwire/onnx's AGGREGATIONS and EXPORT_DEFAULTS.aggregation, copied so that help does
 * not load the package (export-verify.test.ts checks the copies). */
export const EXPORT_AGGREGATIONS = Object.freeze(['mul-sum', 'conv-add'] as const);
export const DEFAULT_AGGREGATION = 'mul-sum';

export const exportCommand: Command = {
  name: NAME,
  summary: 'Export a trained run directory to an ONNX model (NCHW, dynamic batch)',
  usage:
    'run/ [-o model.onnx] [--opset N] [--ir-version N] [--fold-bn] [--no-softmax] [--pad-channels N] [--aggregation A] [--json]',
  details: [
    'Reads run/spec.json and the tfjs weights in run/model/ (model.json + weights.bin) and',
    'writes an ONNX model (written atomically: on error no file is left):',
    "  input    'image'    float32 [N, C, H, W], normalized (x/255 - mean) / std per channel",
    '                      (mean/std are in the metadata: randwire.input.mean / .std)',
    "  outputs  'logits'   [N, classes]; 'probs' [N, classes] (softmax; left out with",
    "                      --no-softmax); 'features' [N, head channels] (pooled, for backbone use)",
    "Node names are the spec's stable layer names; metadata carries the spec and its provenance.",
    '--pad-channels 16 zero-pads every internal channel count to a multiple of 16: same',
    "outputs, larger file, and faster onnxruntime CPU inference when the network's channel",
    'counts are not multiples of 16 (its blocked NCHWc convolution kernels need them).',
    '--aggregation conv-add writes the weighted sums as 1x1 depthwise convs + Adds, which',
    'onnxruntime keeps in that layout and fuses (faster on CPU; same outputs).',
    '',
    'Examples:',
    '  randwire export runs/fmnist -o fmnist.onnx',
    '  randwire export runs/fmnist -o fmnist-folded.onnx --fold-bn --opset 13 --json',
    '  randwire export runs/cifar -o cifar-fast.onnx --fold-bn --pad-channels 16 --aggregation conv-add',
  ].join('\n'),
  options: {
    out: { type: 'string', short: 'o', arg: 'PATH', description: 'output file (default: run/model.onnx)' },
    opset: {
      type: 'string',
      arg: 'N',
      default: String(EXPORT_DEFAULTS.opset),
      description: `ONNX opset, ${MIN_OPSET}..${MAX_OPSET}`,
    },
    'ir-version': {
      type: 'string',
      arg: 'N',
      description: `ONNX IR version, ${MIN_IR_VERSION}..${MAX_IR_VERSION} (default: 8 up to opset 18, else the opset's)`,
    },
    'fold-bn': { type: 'boolean', description: 'fold batch norms into the preceding convolutions' },
    'no-softmax': { type: 'boolean', description: "leave out the 'probs' output" },
    'pad-channels': {
      type: 'string',
      arg: 'N',
      default: String(EXPORT_DEFAULTS.padChannels),
      description: `zero-pad internal channel counts to a multiple of N (${PAD_CHANNELS_ALLOWED.join(', ')}; 0 = off): faster onnxruntime CPU inference when channels are not multiples of 16, same outputs, larger file`,
    },
    aggregation: {
      type: 'string',
      arg: 'A',
      default: DEFAULT_AGGREGATION,
      description: `how weighted sums are written: ${EXPORT_AGGREGATIONS.join(' or ')} (Mul + Sum, or 1x1 depthwise Conv + Add: faster in onnxruntime CPU, same outputs)`,
    },
    json: { type: 'boolean', description: 'print a JSON summary on stdout' },
  },
  positionals: [1, 1],
  run(values, [runDir], ctx) {
    const dir = runDir!;
    if (!fs.existsSync(path.join(dir, 'spec.json'))) {
      throw new UserError(
        `randwire ${NAME}: '${dir}' is not a run directory: ${path.join(dir, 'spec.json')} does not exist`,
      );
    }
    const opset = numberOption(NAME, 'opset', values['opset'], {
      integer: true,
      min: MIN_OPSET,
      max: MAX_OPSET,
    })!;
    const irVersion = numberOption(NAME, 'ir-version', values['ir-version'], {
      integer: true,
      min: MIN_IR_VERSION,
      max: MAX_IR_VERSION,
    });
    const padChannels = Number(
      choiceOption(NAME, 'pad-channels', values['pad-channels'], PAD_CHANNELS_ALLOWED.map(String)) ??
        EXPORT_DEFAULTS.padChannels,
    );
    const aggregation =
      choiceOption(NAME, 'aggregation', values['aggregation'], EXPORT_AGGREGATIONS) ?? DEFAULT_AGGREGATION;
    const out = typeof values['out'] === 'string' ? values['out'] : path.join(dir, 'model.onnx');
    const { defaultIrVersion, exportRunDir } = loadOnnx();
    const started = Date.now();
    const r = exportRunDir(dir, out, {
      opset,
      irVersion: irVersion ?? defaultIrVersion(opset),
      foldBn: values['fold-bn'] === true,
      noSoftmax: values['no-softmax'] === true,
      padChannels,
      aggregation,
    });
    if (values['json']) {
      ctx.out(JSON.stringify({ run: dir, ...r, ms: Date.now() - started }));
    } else {
      ctx.out(
        `exported ${dir} (spec '${r.spec}') → ${r.path}: ${(r.bytes / 1024).toFixed(1)} KiB, opset ${r.opset}, IR ${r.irVersion}, ` +
          `${r.nodes} nodes, ${r.parameters.toLocaleString('en-US')} parameters, BN ${r.foldBn ? 'folded' : 'kept'}, ` +
          `${r.padChannels > 0 ? `channels zero-padded to multiples of ${r.padChannels}, ` : ''}aggregation ${r.aggregation}, outputs ${r.outputs.join(', ')}`,
      );
    }
    return 0;
  },
};
