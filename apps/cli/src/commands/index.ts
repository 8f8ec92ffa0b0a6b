// The command registry: one entry per command, in the order `randwire --help` lists them.
import type { Command } from '../cli';
import { graphCommand } from './graph';

export const commands: Command[] = [graphCommand];
