// Run by lazy-loading.test.ts in a fresh node process on the source (with
// source-require-hook.js): runs `randwire` once per argument list (JSON arrays given as the
// command line arguments), in turn, and prints one JSON line per run on stdout: the exit
// code, stderr, and every package in require.cache so far.
import { main } from '../main';

/** `.../node_modules/@scope/name/...` → '@scope/name'; `.../packages/tfjs/src/...` → '@randwire/tfjs'. */
export function packageOf(file: string): string | undefined {
  const parts = file.split(/[/\\]/);
  const nm = parts.lastIndexOf('node_modules');
  if (nm >= 0 && parts[nm + 1] !== undefined) {
    const first = parts[nm + 1]!;
    return first.startsWith('@') ? `${first}/${parts[nm + 2]}` : first;
  }
  const pk = parts.lastIndexOf('packages');
  if (pk >= 0 && parts[pk + 2] === 'src') return `@randwire/${parts[pk + 1]}`;
  return undefined;
}

async function probe(runs: string[][]): Promise<void> {
  for (const args of runs) {
    const stderr: string[] = [];
    const code = await main(args, { out: () => {}, err: (t) => stderr.push(t), isTTY: false });
    const packages = new Set<string>();
    for (const file of Object.keys(require.cache)) {
      const p = packageOf(file);
      if (p !== undefined) packages.add(p);
    }
    process.stdout.write(
      `${JSON.stringify({ args, code, stderr: stderr.join('\n'), packages: [...packages].sort() })}\n`,
    );
  }
}

if (require.main === module) {
  probe(process.argv.slice(2).map((a) => JSON.parse(a) as string[])).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
