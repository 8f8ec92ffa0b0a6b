// A training run directory (run/spec.json + run/model/{model.json,weights.bin}) → an .onnx file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type NetworkSpec, parseSpec } from '@randwire/spec';
import { onnx } from 'onnx-proto';
import { writeOnnxFileAtomic } from './atomic-write';
import { ExportError } from './errors';
import { buildOnnxModel, type ExportOptions, type ExportSummary } from './export-onnx';
import { readTfjsWeights } from './weights';

/** Reads and validates `runDir/spec.json` (the spec JSON text is embedded as is). */
export function readRunSpec(runDir: string): { spec: NetworkSpec; json: string } {
  const file = path.join(runDir, 'spec.json');
  let json: string;
  try {
    json = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ExportError(`@randwire/onnx/export-run-dir: cannot read '${file}': ${(e as Error).message}`, {
      cause: e,
    });
  }
  // Validated, not trusted (an invalid spec throws @randwire/spec's SpecError naming the file).
  return { spec: parseSpec(json, file), json: json.trim() };
}

export interface ExportRunDirResult extends ExportSummary {
  path: string;
  bytes: number;
  spec: string;
}

/** Exports `runDir` (spec.json + model/) to the ONNX file `out`, written atomically: on any
 * error no output file is left. */
export function exportRunDir(runDir: string, out: string, options: ExportOptions = {}): ExportRunDirResult {
  const { spec } = readRunSpec(runDir);
  const weights = readTfjsWeights(path.join(runDir, 'model'));
  const { model, summary } = buildOnnxModel(spec, weights, options);
  const bytes = onnx.ModelProto.encode(model).finish();
  writeOnnxFileAtomic(out, bytes);
  return { ...summary, path: out, bytes: bytes.length, spec: spec.name };
}
