// What the numbers were measured on: machine, Node and package versions.
import { existsSync, readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  /** 1, 5 and 15 minute load averages at the start: above `cores` means a shared, busy machine. */
  loadAverage: number[];
  platform: string;
  arch: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  const gib = (bytes: number) => Math.round((bytes / 2 ** 30) * 10) / 10;
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    platform: process.platform,
    arch: process.arch,
    node: process.version,
  };
}

/** Installed versions of packages (resolved from this app), `null` when not resolvable. Falls
 * back to walking up from the package's entry point when its `exports` hide package.json. */
export function packageVersions(
  names: readonly string[],
  from: string = __dirname,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const name of names) out[name] = versionOf(name, from);
  return out;
}

function versionOf(name: string, from: string): string | null {
  try {
    const path = require.resolve(`${name}/package.json`, { paths: [from] });
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    // exports without ./package.json: walk up from the entry point
  }
  try {
    let dir = dirname(require.resolve(name, { paths: [from] }));
    for (;;) {
      const candidate = join(dir, 'package.json');
      if (existsSync(candidate)) {
        const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? null;
      }
      const up = dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  } catch {
    return null;
  }
}
