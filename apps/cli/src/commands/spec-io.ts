// Reading specs (file or `-` for stdin) and writing outputs atomically, for the commands.
import { readFileSync } from 'node:fs';
import type { NetworkSpec } from '@randwire/spec';
import { UserError } from '../cli';
import { loadSpec } from '../lazy-packages';

/** Standard input, replaceable in tests. */
export const stdio = {
  readStdin: (): string => readFileSync(0, 'utf8'),
};

/** Reads a text file, or stdin for `-`; a missing or unreadable file is a UserError naming it. */
export function readTextArg(command: string, path: string): string {
  try {
    return path === '-' ? stdio.readStdin() : readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UserError(`randwire ${command}: cannot read '${path === '-' ? 'stdin' : path}': ${why}`, {
      cause: e,
    });
  }
}

/** Reads and validates a spec; invalid specs throw SpecError (user-facing) naming the file. */
export function loadSpecArg(command: string, path: string): NetworkSpec {
  return loadSpec().parseSpec(readTextArg(command, path), path === '-' ? 'stdin' : path);
}

/** Writes a file atomically (@randwire/spec's writeFileAtomic: a temporary file in the same
 * directory, then a rename); a failure is a UserError naming the file. */
export function writeFileAtomic(command: string, path: string, data: string | Uint8Array): void {
  try {
    loadSpec().writeFileAtomic(path, data);
  } catch (e) {
    throw new UserError(`randwire ${command}: cannot write '${path}': ${(e as Error).message}`, { cause: e });
  }
}

/** 1234567 → "1.23M". */
export function si(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** Left-aligned first column, right-aligned others. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
