// Which errors are the user's doing (bad option, bad file, bad spec): printed as one line
// with exit code 2. Each package exports the base class of its domain errors; list it here.
// Recognised without loading every package (loading @randwire/tfjs alone takes ~0.3 s): a
// class named like a base on the error's prototype chain is a candidate, confirmed with
// instanceof against the package's own class. The package is required only then, when it
// is necessarily loaded already (its error was thrown), so this never loads one.
import type { DagError } from '@randwire/dag';
import type { DatasetError } from '@randwire/datasets';
import type { GraphsError } from '@randwire/graphs';
import type { OnnxError } from '@randwire/onnx';
import type { SpecError } from '@randwire/spec';
import type { StudiesError } from '@randwire/studies';
import type { TfjsError } from '@randwire/tfjs';
import { UserError } from './cli';

type ErrorClass = abstract new (...args: never[]) => Error;

/** Base class name → its class (a lazy require of its package). */
const userErrorClasses: Readonly<Record<string, () => ErrorClass>> = Object.freeze({
  UserError: () => UserError,
  DatasetError: (): typeof DatasetError => require('@randwire/datasets').DatasetError,
  TfjsError: (): typeof TfjsError => require('@randwire/tfjs').TfjsError,
  GraphsError: (): typeof GraphsError => require('@randwire/graphs').GraphsError,
  DagError: (): typeof DagError => require('@randwire/dag').DagError,
  SpecError: (): typeof SpecError => require('@randwire/spec').SpecError,
  OnnxError: (): typeof OnnxError => require('@randwire/onnx').OnnxError,
  StudiesError: (): typeof StudiesError => require('@randwire/studies').StudiesError,
});

export function isUserFacing(e: unknown): e is Error {
  if (typeof e !== 'object' || e === null) return false;
  for (let proto = Object.getPrototypeOf(e); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const name: unknown = Object.hasOwn(proto, 'constructor') ? proto.constructor?.name : undefined;
    if (typeof name === 'string' && Object.hasOwn(userErrorClasses, name)) {
      if (e instanceof userErrorClasses[name]!()) return true;
    }
  }
  return false;
}
