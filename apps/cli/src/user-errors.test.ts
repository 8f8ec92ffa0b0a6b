import * as dag from '@randwire/dag';
import * as datasets from '@randwire/datasets';
import * as graphs from '@randwire/graphs';
import * as onnx from '@randwire/onnx';
import * as spec from '@randwire/spec';
import * as studies from '@randwire/studies';
import * as tfjs from '@randwire/tfjs';
import { UserError } from './cli';
import { commands } from './commands';
import { main } from './main';
import { capture } from './test-utils/cli';
import { isUserFacing } from './user-errors';

/** One error of every package's base class and of subclasses (their own `name`s). */
const packageErrors = (): Error[] => [
  new UserError('randwire x: bad'),
  new dag.DagError('@randwire/dag/x: bad'),
  new dag.CycleError('x', ['a', 'b', 'a']),
  new datasets.DatasetError('@randwire/datasets/x: bad'),
  new datasets.DatasetOptionError('@randwire/datasets/x: bad'),
  new graphs.GraphsError('@randwire/graphs/x: bad'),
  new graphs.InvalidParameterError('x', 'k', 5, 'even'),
  new onnx.OnnxError('@randwire/onnx/x: bad'),
  new onnx.OnnxRuntimeError('@randwire/onnx/x: bad'),
  new spec.SpecError('@randwire/spec/x: bad'),
  new spec.SpecValidationError([{ pointer: '/name', message: 'bad' }], 'x.json'),
  new spec.SpecParseError('@randwire/spec/x: bad'),
  new studies.StudiesError('@randwire/studies/x: bad'),
  new studies.PlanError('plan.json: /seeds: bad'),
  new tfjs.TfjsError('@randwire/tfjs/x: bad'),
  new tfjs.RunDirError('@randwire/tfjs/x: bad'),
  new tfjs.ModelIoError('@randwire/tfjs/x: bad'),
];

describe('user-facing errors', () => {
  it("recognises every package's base error class and its subclasses", () => {
    for (const e of packageErrors()) expect([e.name, isUserFacing(e)]).toEqual([e.name, true]);
  });

  it('rejects other errors, also a foreign class named like a base class, and non-errors', () => {
    class SpecError extends Error {}
    class TfjsError extends TypeError {}
    for (const e of [new SpecError('x'), new TfjsError('x'), new Error('x'), new TypeError('x')]) {
      expect(isUserFacing(e)).toBe(false);
    }
    for (const v of ['SpecError', null, undefined, 42, {}, Object.create(null)]) {
      expect(isUserFacing(v)).toBe(false);
    }
  });

  it('maps each to exit code 2 and one stderr line without a stack; others propagate', async () => {
    const cmd = commands.find((c) => c.name === 'validate')!.load();
    const spy = jest.spyOn(cmd, 'run');
    try {
      for (const e of packageErrors()) {
        spy.mockImplementationOnce(() => {
          throw e;
        });
        const ctx = capture();
        expect(await main(['validate', 'x.json'], ctx)).toBe(2);
        expect(ctx.stderr).toEqual([`error: ${e.message}`]);
        expect(ctx.stderr[0]).not.toMatch(/\n\s+at /);
      }
      spy.mockImplementationOnce(() => {
        throw new TypeError('a bug');
      });
      await expect(main(['validate', 'x.json'], capture())).rejects.toThrow(TypeError);
    } finally {
      spy.mockRestore();
    }
  });
});
