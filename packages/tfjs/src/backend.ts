// Run-time choice of the tfjs backend, best first: @tensorflow/tfjs-node-gpu (CUDA),
// @tensorflow/tfjs-node (libtensorflow), wasm (@tensorflow/tfjs-backend-wasm, SIMD), cpu.
// The two native packages are optional dependencies whose install usually cannot fetch
// libtensorflow: requiring them then throws, and we fall back, recording why.
// Nothing happens at import time: backends are loaded and registered by selectBackend.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendError } from './errors';
import { registerWasmGradientKernels } from './kernels/register';

export type BackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** Every accepted preference, best backend first after 'auto'. */
export const BACKEND_PREFERENCES: readonly BackendPreference[] = Object.freeze([
  'auto',
  'node-gpu',
  'node',
  'wasm',
  'cpu',
]);

export interface BackendFallback {
  name: BackendName;
  reason: string;
}

export interface BackendInfo {
  /** Our name of the backend ('node-gpu' | 'node' | 'wasm' | 'cpu'). */
  name: BackendName;
  /** tfjs' name of the active backend (tf.getBackend()): 'tensorflow', 'wasm' or 'cpu'. */
  tfBackend: string;
  /** The npm package that provides it. */
  package: string;
  /** Threads the backend computes with. */
  threads: number;
  /** Whether its kernels use SIMD instructions. */
  simd: boolean;
  /** Why this backend is active. */
  reason: string;
  /** Better backends that were tried first, and why each was not used. */
  fallbacks: BackendFallback[];
}

interface Candidate {
  name: BackendName;
  package: string;
  tfBackend: string;
  /** Makes the backend active or throws an Error whose message says why it cannot be. */
  activate(): Promise<{ threads: number; simd: boolean }>;
}

const CANDIDATES: readonly Candidate[] = Object.freeze([
  nativeCandidate('node-gpu', '@tensorflow/tfjs-node-gpu'),
  nativeCandidate('node', '@tensorflow/tfjs-node'),
  {
    name: 'wasm',
    package: '@tensorflow/tfjs-backend-wasm',
    tfBackend: 'wasm',
    activate: activateWasm,
  },
  {
    name: 'cpu',
    package: '@tensorflow/tfjs-backend-cpu',
    tfBackend: 'cpu',
    activate: async () => {
      await setBackendOrThrow('cpu');
      return { threads: 1, simd: false };
    },
  },
]);

/**
 * Makes the best available backend active (or the one `preference` names) and says which it
 * is and why. A forced backend that cannot be used is a BackendError naming it, the reason
 * and the backends that can be. Prints nothing.
 */
export async function selectBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  if (!BACKEND_PREFERENCES.includes(preference)) {
    throw new BackendError(
      `@randwire/tfjs/backend: unknown backend (${String(preference)}): expected one of ${BACKEND_PREFERENCES.join(', ')}`,
    );
  }
  const fallbacks: BackendFallback[] = [];
  const candidates = preference === 'auto' ? CANDIDATES : CANDIDATES.filter((c) => c.name === preference);
  for (const candidate of candidates) {
    try {
      const { threads, simd } = await candidate.activate();
      const reason =
        preference === 'auto'
          ? fallbacks.length === 0
            ? 'best available backend'
            : `best available backend (${fallbacks.map((f) => f.name).join(', ')} unavailable)`
          : 'requested';
      return {
        name: candidate.name,
        tfBackend: tf.getBackend(),
        package: candidate.package,
        threads,
        simd,
        reason,
        fallbacks,
      };
    } catch (e) {
      const reason = describe(e);
      if (preference !== 'auto') {
        throw new BackendError(
          `@randwire/tfjs/backend: backend ${candidate.name} (${candidate.package}) is unavailable: ${reason}; available here: ${availableBackends().join(', ')}`,
          { cause: e },
        );
      }
      fallbacks.push({ name: candidate.name, reason });
    }
  }
  // Unreachable in practice: the cpu backend ships with @tensorflow/tfjs.
  throw new BackendError(
    `@randwire/tfjs/backend: no backend could be activated: ${fallbacks.map((f) => `${f.name}: ${f.reason}`).join('; ')}`,
  );
}

/** Backends whose packages load here (without activating any). cpu is always available. */
export function availableBackends(): BackendName[] {
  const out: BackendName[] = [];
  for (const c of CANDIDATES) {
    if (c.name === 'cpu') out.push('cpu');
    else if (c.name === 'wasm') {
      if (wasmDistDir() != null && typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object')
        out.push('wasm');
    } else {
      if (loadNative(c.package) === true) out.push(c.name);
    }
  }
  return out;
}

function nativeCandidate(name: BackendName, pkg: string): Candidate {
  return {
    name,
    package: pkg,
    tfBackend: 'tensorflow',
    activate: async () => {
      // Loading registers the 'tensorflow' backend with the tfjs-core it finds; it must be ours.
      const loaded = loadNative(pkg);
      if (loaded !== true) throw loaded;
      if (tf.findBackendFactory('tensorflow') == null) {
        throw new Error(`${pkg} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs`);
      }
      await setBackendOrThrow('tensorflow');
      return { threads: osThreads(), simd: true };
    },
  };
}

const nativeLoads = new Map<string, true | Error>();

/**
 * Requires a native tfjs package once per process: true, or the Error it threw (cached, as
 * a failed load registers half its kernels and a retry only repeats ~170 warnings).
 */
function loadNative(pkg: string): true | Error {
  let result = nativeLoads.get(pkg);
  if (result == null) {
    try {
      quietly(() => require(pkg));
      result = true;
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    nativeLoads.set(pkg, result);
  }
  return result;
}

/** Runs `fn` with console.warn silenced (tfjs logs registration noise through it). */
function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

async function activateWasm(): Promise<{ threads: number; simd: boolean }> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  if (tf.getBackend() !== 'wasm' && tf.engine().registry.wasm == null) {
    const dir = wasmDistDir();
    if (dir == null) throw new Error('its .wasm files were not found next to the package');
    try {
      wasm.setWasmPaths(dir + path.sep);
    } catch {
      // Already initialized earlier in this process (paths can only be set before): keep it.
    }
  }
  registerWasmGradientKernels();
  await setBackendOrThrow('wasm');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { threads: wasm.getThreadsCount(), simd };
}

/** The folder holding tfjs-backend-wasm's .wasm binaries, or null if they are missing. */
function wasmDistDir(): string | null {
  try {
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    return fs.existsSync(path.join(dir, 'tfjs-backend-wasm.wasm')) ? dir : null;
  } catch {
    return null;
  }
}

async function setBackendOrThrow(name: string): Promise<void> {
  // tf.setBackend logs and returns false when initialization fails; capture the reason.
  const warn = console.warn;
  const messages: string[] = [];
  console.warn = (...args: unknown[]) => {
    messages.push(args.map(describe).join(' '));
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } finally {
    console.warn = warn;
  }
  if (!ok)
    throw new Error(`tf.setBackend('${name}') failed${messages.length ? `: ${messages.join('; ')}` : ''}`);
  await tf.ready();
}

function osThreads(): number {
  const os = require('node:os') as typeof import('node:os');
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

function describe(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0] ?? message;
}
