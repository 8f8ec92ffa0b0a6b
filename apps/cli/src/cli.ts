// The command framework: every command declares its options once; help, parsing, `--json`
// and error reporting are handled here so every command behaves the same way.
import { parseArgs } from 'node:util';

/** A mistake of the user's (bad option, bad file): printed as one line, exit code 2, no stack. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export interface OptionDef {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** Placeholder shown in help, e.g. `N` or `PATH`. */
  arg?: string;
  description: string;
}

export interface CommandContext {
  /** Normal output (results). */
  out: (text: string) => void;
  /** Diagnostics, progress and notes (stderr), silenced by nothing: scripts read stdout. */
  err: (text: string) => void;
  /** True when stdout is a terminal (progress bars allowed on stderr when stderr is a TTY). */
  isTTY: boolean;
}

export interface Command {
  name: string;
  summary: string;
  /** Usage line after `randwire <name>`, e.g. `spec.json [-o out.svg]`. */
  usage: string;
  /** Longer help: examples, notes. */
  details?: string;
  options: Record<string, OptionDef>;
  /** Positional arguments allowed: [min, max]. */
  positionals: [number, number];
  run(
    values: Record<string, string | boolean | string[] | undefined>,
    positionals: string[],
    ctx: CommandContext,
  ): Promise<number | undefined> | number | undefined;
}

export function helpText(cmd: Command): string {
  const lines = [`Usage: randwire ${cmd.name} ${cmd.usage}`, '', cmd.summary, ''];
  const opts = Object.entries(cmd.options);
  if (opts.length > 0) {
    lines.push('Options:');
    const rows = opts.map(([name, o]) => {
      const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`;
      const def = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : '';
      return [flag, `${o.description}${def}`] as const;
    });
    rows.push(['-h, --help', 'show this help']);
    const width = Math.max(...rows.map(([f]) => f.length));
    for (const [f, d] of rows) lines.push(`  ${f.padEnd(width)}  ${d}`);
  }
  if (cmd.details) lines.push('', cmd.details.trimEnd());
  return lines.join('\n');
}

export function parseCommandArgs(cmd: Command, argv: string[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(cmd.options)) {
    options[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UserError(
      `randwire ${cmd.name}: ${(e as Error).message.replace(/\s*\n\s*/g, ' ')} (see --help)`,
    );
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  for (const [name, o] of Object.entries(cmd.options)) {
    if (values[name] === undefined && o.default !== undefined) values[name] = o.default;
  }
  return { values, positionals: parsed.positionals };
}

/** Parses a numeric option, naming the option, the bad value and what is allowed. */
export function numberOption(
  cmdName: string,
  option: string,
  raw: string | boolean | string[] | undefined,
  {
    integer = false,
    min = -Infinity,
    max = Infinity,
  }: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  const value = Number(text);
  const allowed = `${integer ? 'an integer' : 'a number'}${Number.isFinite(min) ? ` >= ${min}` : ''}${Number.isFinite(max) ? ` and <= ${max}` : ''}`;
  if (
    text.trim() === '' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    throw new UserError(`randwire ${cmdName}: invalid --${option} '${text}': must be ${allowed}`);
  }
  return value;
}

/** Checks a string option against its allowed values. */
export function choiceOption<T extends string>(
  cmdName: string,
  option: string,
  raw: string | boolean | string[] | undefined,
  allowed: readonly T[],
): T | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (!(allowed as readonly string[]).includes(text)) {
    throw new UserError(
      `randwire ${cmdName}: invalid --${option} '${text}': must be one of ${allowed.join(', ')}`,
    );
  }
  return text as T;
}
