// The command registry: one entry per command, in the order `randwire --help` lists them.
import type { Command } from '../cli';

export const commands: Command[] = [];
