// `randwire` starts fast because commands load TensorFlow.js, onnxruntime and resvg only when
// they need them. Checked in a real node process on the source (require.cache), not by timing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from './commands';
import { TINY_SPEC_PATH } from './test-utils/cli';
import { packageOf } from './test-utils/loaded-packages';

const HEAVY = [
  '@randwire/tfjs',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-wasm',
  '@randwire/onnx',
  '@randwire/onnx-train',
  'onnxruntime-node',
  '@resvg/resvg-js',
];

interface ProbeRun {
  args: string[];
  code: number;
  stderr: string;
  packages: string[];
}

/** Runs `randwire` once per argument list, in turn, in one fresh node process on the source;
 * each result lists the packages loaded so far. */
function probe(runs: string[][]): ProbeRun[] {
  const stdout = execFileSync(
    process.execPath,
    [
      '-r',
      join(__dirname, 'test-utils/source-require-hook.js'),
      join(__dirname, 'test-utils/loaded-packages.ts'),
      ...runs.map((r) => JSON.stringify(r)),
    ],
    { encoding: 'utf8' },
  );
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ProbeRun);
}

describe('lazy loading of heavy packages', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-lazy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the package of a module file', () => {
    expect(packageOf('/r/node_modules/.pnpm/x@1/node_modules/@tensorflow/tfjs-core/dist/index.js')).toBe(
      '@tensorflow/tfjs-core',
    );
    expect(packageOf('/r/node_modules/onnxruntime-node/dist/index.js')).toBe('onnxruntime-node');
    expect(packageOf('/r/packages/tfjs/src/train.ts')).toBe('@randwire/tfjs');
    expect(packageOf('/r/apps/cli/src/main.ts')).toBeUndefined();
  });

  it('help and the graph/spec commands load neither; eval loads TensorFlow.js', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "randwire-spec"}');
    const light: string[][] = [
      ['--help'],
      ...commands.map((c) => [c.name, '--help']),
      ['graph', '--model', 'ws', '--nodes', '16', '--k', '4', '--p', '0.5', '--seed', '0', '--format', 'dot'],
      ['generate', '--preset', 'mnist-small', '--seed', '0', '-o', join(dir, 'net.json')],
      ['inspect', TINY_SPEC_PATH, '--json'],
      ['validate', TINY_SPEC_PATH],
      ['render', TINY_SPEC_PATH, '-o', join(dir, 'net.svg')],
      ['graph', '--model', 'ws', '--nodes', '16', '--k', '3', '--p', '0.5'], // GraphsError: exit 2
      ['inspect', bad], // SpecError: exit 2
    ];
    const control = ['eval', join(dir, 'no-such-run')]; // RunDirError of @randwire/tfjs: exit 2
    const results = probe([...light, control]);
    expect(results.map((r) => r.args)).toEqual([...light, control]);

    for (const r of results.slice(0, light.length)) {
      expect({ args: r.args, heavy: r.packages.filter((p) => HEAVY.includes(p)) }).toEqual({
        args: r.args,
        heavy: [],
      });
    }
    // `randwire --help` loads no command module, hence none of the packages
    expect(results[0]!.packages.filter((p) => p.startsWith('@randwire/'))).toEqual([]);
    const graph = results[commands.length + 1]!;
    expect(graph.args[0]).toBe('graph');
    expect(graph.packages).toEqual(expect.arrayContaining(['@randwire/graphs', '@randwire/dag']));
    const codes = results.map((r) => r.code);
    expect(codes.slice(0, light.length - 2).every((c) => c === 0)).toBe(true);
    expect(codes.slice(light.length - 2)).toEqual([2, 2, 2]);
    expect(results.at(-3)!.stderr).toMatch(/^error: @randwire\/graphs\/.*invalid k \(3\)/);
    expect(results.at(-2)!.stderr).toMatch(/^error: .*bad\.json/);
    expect(results.at(-1)!.stderr).toMatch(/^error: @randwire\/tfjs\/run-dir: .*no-such-run/);
    expect(results.at(-1)!.packages).toEqual(
      expect.arrayContaining(['@randwire/tfjs', '@tensorflow/tfjs-core']),
    );
  });
});
