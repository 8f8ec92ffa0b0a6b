#!/usr/bin/env node
import { type Command, type CommandContext, helpText, parseCommandArgs, UserError } from './cli';
import { commands } from './commands';
import { isUserFacing } from './user-errors';

const pkg = require('../package.json') as { version: string };

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: randwire <command> [options]',
    '',
    'Randomly wired neural networks: generate, inspect, train, export.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'randwire <command> --help' for a command's options. Every command accepts --json.",
  ].join('\n');
}

export async function main(argv: string[], ctx: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    ctx.out(pkg.version);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  try {
    if (!entry) {
      throw new UserError(
        `randwire: unknown command '${name}': must be one of ${commands.map((c) => c.name).join(', ')}`,
      );
    }
    const cmd: Command = entry.load();
    const { values, positionals } = parseCommandArgs(cmd, rest);
    if (values['help']) {
      ctx.out(helpText(cmd));
      return 0;
    }
    const [min, max] = cmd.positionals;
    if (positionals.length < min || positionals.length > max) {
      throw new UserError(
        `randwire ${cmd.name}: expected ${min === max ? min : `${min} to ${max === Infinity ? 'any number of' : max}`} argument(s), got ${positionals.length}: usage: randwire ${cmd.name} ${cmd.usage}`,
      );
    }
    return (await cmd.run(values, positionals, ctx)) ?? 0;
  } catch (e) {
    if (isUserFacing(e)) {
      ctx.err(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  // A reader that stops early (`randwire eval run/ | head`) closes the pipe: stop quietly, as
  // Unix tools do, instead of an unhandled EPIPE stack.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
  const ctx: CommandContext = {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    isTTY: Boolean(process.stdout.isTTY),
  };
  main(process.argv.slice(2), ctx).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(
        `internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exitCode = 70;
    },
  );
}
