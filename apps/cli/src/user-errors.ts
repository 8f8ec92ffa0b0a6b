// Which errors are the user's doing (bad option, bad file, bad spec): printed as one line
// with exit code 2. Each package exports the base class of its domain errors; list it here.
import { DagError } from '@randwire/dag';
import { DatasetError } from '@randwire/datasets';
import { GraphsError } from '@randwire/graphs';
import { OnnxError } from '@randwire/onnx';
import { SpecError } from '@randwire/spec';
import { TfjsError } from '@randwire/tfjs';
import { UserError } from './cli';

const userErrorClasses: Array<abstract new (...args: never[]) => Error> = [
  UserError,
  DatasetError,
  TfjsError,
  GraphsError,
  DagError,
  SpecError,
  OnnxError,
];

export function isUserFacing(e: unknown): e is Error {
  return userErrorClasses.some((cls) => e instanceof cls);
}
