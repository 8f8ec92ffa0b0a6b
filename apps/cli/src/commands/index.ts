// The command registry: one entry per command, in the order `randwire --help` lists them.
import type { Command } from '../cli';
import { exportCommand } from './export';
import { graphCommand } from './graph';
import { verifyCommand } from './verify';

export const commands: Command[] = [graphCommand, exportCommand, verifyCommand];
