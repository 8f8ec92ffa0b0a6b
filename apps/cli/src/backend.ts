// The `--backend` option of the tfjs commands (train, eval, predict, verify): its definition,
// parsing, selection and the one stderr line describing the backend in use.
import type { BackendInfo, BackendPreference } from '@randwire/tfjs';
import { type CommandContext, choiceOption, type OptionDef } from './cli';
import { BACKEND_PREFERENCES } from './help-constants';
import { loadTfjs } from './lazy-packages';

export const BACKEND_OPTION: Readonly<OptionDef> = Object.freeze({
  type: 'string',
  arg: 'NAME',
  default: 'auto',
  description: `tfjs backend: ${BACKEND_PREFERENCES.join('|')}`,
});

/** Parses `--backend` (a UserError naming the allowed values otherwise). */
export function backendOption(
  command: string,
  raw: string | boolean | string[] | undefined,
): BackendPreference {
  return choiceOption(command, 'backend', raw ?? 'auto', BACKEND_PREFERENCES)!;
}

export function describeBackend(b: BackendInfo): string {
  return `backend: ${b.name} (${b.package}${b.name === 'wasm' ? `, simd ${b.simd ? 'on' : 'off'}, ${b.threads} thread(s)` : ''}; ${b.reason})`;
}

/** Selects the preferred backend and says which one on stderr. */
export async function startBackend(
  preference: BackendPreference,
  ctx: Pick<CommandContext, 'err'>,
): Promise<BackendInfo> {
  const backend = await loadTfjs().selectBackend(preference);
  ctx.err(describeBackend(backend));
  return backend;
}
