// randwire validate spec.json: schema and semantic checks, every problem listed.
import { formatProblem, type SpecProblem, validateSpec } from '@randwire/spec';
import type { Command } from '../cli';
import { readTextArg } from './spec-io';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a spec file against the schema and every semantic rule (exit 0 valid, 2 invalid)',
  usage: 'spec.json|- [--json]',
  details: 'Every problem is listed with its JSON pointer, what is allowed and the bad value.',
  options: { json: { type: 'boolean', description: 'print { file, ok, problems } as JSON' } },
  positionals: [1, 1],
  run(values, positionals, ctx) {
    const path = positionals[0]!;
    const file = path === '-' ? 'stdin' : path;
    const text = readTextArg('validate', path);
    let problems: SpecProblem[];
    let name: string | undefined;
    try {
      const r = validateSpec(JSON.parse(text));
      problems = r.ok ? [] : r.problems;
      if (r.ok) name = r.spec.name;
    } catch (e) {
      problems = [{ pointer: '', message: `not JSON: ${(e as Error).message}` }];
    }
    const ok = problems.length === 0;
    if (values['json']) {
      ctx.out(JSON.stringify({ file, ok, ...(name !== undefined ? { name } : {}), problems }, null, 2));
    } else if (ok) {
      ctx.out(`${file}: valid (${name})`);
    } else {
      ctx.err(`${file}: invalid, ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
      for (const p of problems) ctx.err(`  ${formatProblem(p)}`);
    }
    return ok ? 0 : 2;
  },
};
