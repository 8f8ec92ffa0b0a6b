// Reading specs (file or `-` for stdin) and writing outputs atomically, for the commands.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { NetworkSpec } from '@randwire/spec';
import { UserError } from '../cli';
import { loadSpec } from '../lazy-packages';
import { CLI_LIMITS } from '../limits';

/** Reads at most `max` bytes of a file descriptor; null when there are more. */
function readAtMost(fd: number, max: number): Buffer | null {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(2 ** 20, max + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > max) return null;
  }
  return Buffer.concat(chunks);
}

/** Standard input, replaceable in tests. */
export const stdio = {
  /** Standard input as text, or null when it holds more than `max` bytes. */
  readStdin: (max: number): string | null => readAtMost(0, max)?.toString('utf8') ?? null,
};

/** Reads a text file, or stdin for `-`, of at most CLI_LIMITS.specBytes; a missing, unreadable
 * or larger file is a UserError naming it. */
export function readTextArg(command: string, path: string): string {
  const name = path === '-' ? 'stdin' : path;
  const max = CLI_LIMITS.specBytes;
  let text: string | null;
  try {
    if (path === '-') {
      text = stdio.readStdin(max);
    } else {
      const fd = openSync(path, 'r');
      try {
        text = fstatSync(fd).size > max ? null : (readAtMost(fd, max)?.toString('utf8') ?? null);
      } finally {
        closeSync(fd);
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UserError(`randwire ${command}: cannot read '${name}': ${why}`, { cause: e });
  }
  if (text === null) {
    throw new UserError(
      `randwire ${command}: '${name}' is larger than ${max / 2 ** 20} MiB, the limit for a spec file`,
    );
  }
  return text;
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
