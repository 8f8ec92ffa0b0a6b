// Test helpers: run `randwire` in-process and capture what it prints.
import { join } from 'node:path';
import type { CommandContext } from '../cli';
import { main } from '../main';

/** The hand-made tiny spec (9x9x1 input, 3 classes) of @randwire/spec. */
export const TINY_SPEC_PATH = join(__dirname, '../../../../packages/spec/fixtures/tiny.json');

export type CapturedContext = CommandContext & { stdout: string[]; stderr: string[] };

/** A command context that records every stdout and stderr line. */
export function capture(): CapturedContext {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), isTTY: false };
}

export interface CliRun {
  code: number;
  /** stdout lines joined with newlines. */
  stdout: string;
  /** stderr lines joined with newlines. */
  stderr: string;
}

/** Runs `randwire ...args` and returns its exit code and output. */
export async function runCli(args: string[]): Promise<CliRun> {
  const ctx = capture();
  const code = await main(args, ctx);
  return { code, stdout: ctx.stdout.join('\n'), stderr: ctx.stderr.join('\n') };
}
