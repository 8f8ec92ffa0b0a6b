#!/usr/bin/env node
// `pnpm bench [--only NAME[,NAME]] [--quick] [--filter TEXT] [--out DIR] [--no-reference] [--list] [--json]`
import { parseArgs } from 'node:util';
import { benchmarks } from './benchmarks';
import type { Benchmark } from './harness';
import { DEFAULT_RESULTS_DIR, runBenchmarks } from './run';

export interface MainIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const HELP = `Usage: pnpm bench [options]

Runs the benchmarks, prints a Markdown table per benchmark on stdout, progress on stderr, and
writes results/<name>.json (atomically).

Options:
  --only NAME[,NAME]  run only these benchmarks (repeatable; see --list)
  --quick             a few seconds in total: short samples, small sizes (for tests and smoke runs)
  --filter TEXT       only cases whose name contains TEXT (e.g. 'n=32')
  --out DIR           where to write <name>.json (default: ${DEFAULT_RESULTS_DIR})
  --no-reference      skip reference implementations (networkx, PyTorch ...)
  --list              list the benchmarks and exit
  --json              print the results as JSON on stdout instead of tables
  -h, --help          show this help`;

/** Returns the exit code: 0 ok, 2 usage error. */
export async function main(argv: string[], io: MainIo, registry: Benchmark[] = benchmarks): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        only: { type: 'string', multiple: true },
        quick: { type: 'boolean' },
        filter: { type: 'string' },
        out: { type: 'string' },
        'no-reference': { type: 'boolean' },
        list: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    io.err(`error: bench: ${(e as Error).message.split('\n')[0]} (see --help)`);
    return 2;
  }
  if (values['help']) {
    io.out(HELP);
    return 0;
  }
  if (values['list']) {
    for (const b of registry) io.out(`${b.name}  ${b.description}`);
    return 0;
  }
  const only = ((values['only'] as string[] | undefined) ?? []).flatMap((s) => s.split(',')).filter(Boolean);
  const unknown = only.filter((name) => !registry.some((b) => b.name === name));
  if (unknown.length > 0) {
    io.err(
      `error: bench: unknown benchmark '${unknown.join("', '")}': must be one of ${registry.map((b) => b.name).join(', ')}`,
    );
    return 2;
  }
  const outputs = await runBenchmarks(registry, {
    only,
    quick: Boolean(values['quick']),
    ...(typeof values['filter'] === 'string' ? { filter: values['filter'] } : {}),
    reference: !values['no-reference'],
    ...(typeof values['out'] === 'string' ? { out: values['out'] } : {}),
    log: io.err,
  });
  if (values['json'])
    io.out(
      JSON.stringify(
        outputs.map((o) => o.results),
        null,
        2,
      ),
    );
  else for (const o of outputs) io.out(o.table);
  return 0;
}

if (require.main === module) {
  const io: MainIo = {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
