// The command registry: one entry per command, in the order `randwire --help` lists them.
import type { Command } from '../cli';
import { evalCommand } from './eval';
import { exportCommand } from './export';
import { generateCommand } from './generate';
import { graphCommand } from './graph';
import { inspectCommand } from './inspect';
import { predictCommand } from './predict';
import { renderCommand } from './render';
import { trainCommand } from './train';
import { validateCommand } from './validate';
import { verifyCommand } from './verify';

export const commands: Command[] = [
  graphCommand,
  generateCommand,
  inspectCommand,
  validateCommand,
  renderCommand,
  trainCommand,
  evalCommand,
  predictCommand,
  exportCommand,
  verifyCommand,
];
