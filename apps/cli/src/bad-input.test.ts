// Bad input never crashes, hangs or half-writes (issue 14): a seeded fuzz over the CLI's
// inputs (spec JSON, graph and generate options, image and IDX headers, ONNX files) and the
// issue's own cases. Each case runs `randwire` in a fresh node process on the source (so a V8
// fatal error, a stack overflow or a hang is seen as such) in a fresh folder, and must:
// exit with code 2 within 20 s; print nothing on stdout; print one message line on stderr
// (spec validation problems follow it, one indented `/pointer: ...` line each); show no
// stack and no "internal error"; leave no output file behind.
import { spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRng, type Rng } from '@randwire/graphs';
import { exportOnnx } from '@randwire/onnx';
import { generateSpec, type NetworkSpec, parameterList, serializeSpec } from '@randwire/spec';
import { TINY_SPEC_PATH } from './test-utils/cli';

const HOOK = join(__dirname, 'test-utils/source-require-hook.js');
const MAIN = join(__dirname, 'main.ts');
/** Generous: every case here fails in well under a second or two when it works. */
const TIME_BOUND_MS = 20_000;
const SEED = 14;

interface Case {
  name: string;
  /** Files to create in the case's `in/` folder before the run (path → bytes or text). */
  files?: Record<string, Uint8Array | string>;
  /** Arguments; `in/...` and `out/...` are relative to the case's folder. */
  args: string[];
  /** What the message line must say, when a case pins it. */
  message?: RegExp;
  /** Makes further inputs in the case's `in/` folder. */
  prepare?: (inDir: string) => void;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runIn(dir: string, args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', HOOK, MAIN, ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIME_BOUND_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

const root = mkdtempSync(join(tmpdir(), 'rw-bad-input-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let caseCount = 0;

async function expectRejected(c: Case): Promise<void> {
  const dir = join(root, String(caseCount++));
  mkdirSync(join(dir, 'in', 'run'), { recursive: true });
  mkdirSync(join(dir, 'out'));
  // A run directory holding only its spec: enough for predict and verify to reach the input.
  writeFileSync(join(dir, 'in', 'run', 'spec.json'), serializeSpec(tiny));
  for (const [path, data] of Object.entries(c.files ?? {})) {
    mkdirSync(join(dir, 'in', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'in', path), data);
  }
  c.prepare?.(join(dir, 'in'));
  const r = await runIn(dir, c.args);
  const report = `randwire ${c.args.join(' ').slice(0, 300)}\n--- stderr ---\n${r.stderr.slice(0, 2000)}`;
  if (r.timedOut) throw new Error(`still running after ${TIME_BOUND_MS} ms: ${report}`);
  expect({ code: r.code, signal: r.signal, report }).toEqual({ code: 2, signal: null, report });
  expect(r.stdout).toBe('');
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  const [first, ...rest] = lines;
  expect(first).toMatch(/^(error: |\S+: invalid, \d+ problems?:$)/);
  for (const line of rest)
    expect({ line, report }).toEqual({
      line: expect.stringMatching(/^ {2}(\/|\.\.\. and \d+ more$)/),
      report,
    });
  expect(r.stderr).not.toMatch(/internal error|^\s+at |\n\s+at /);
  if (c.message) expect({ first, report }).toEqual({ first: expect.stringMatching(c.message), report });
  expect(readdirSync(join(dir, 'out'))).toEqual([]);
  expect(readdirSync(dir).sort()).toEqual(['in', 'out']);
}

// ---------------------------------------------------------------------------------------------
// Inputs.

const tiny = JSON.parse(readFileSync(TINY_SPEC_PATH, 'utf8')) as NetworkSpec;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const logInt = (rng: Rng, lo: number, hi: number) =>
  Math.floor(Math.exp(Math.log(lo) + rng() * (Math.log(hi) - Math.log(lo))));
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Every JSON pointer of a document, with its value (free-form provenance params excluded:
 * anything is valid there). */
function pointers(v: unknown, at = ''): Array<[string, unknown]> {
  if (at === '/provenance/params') return [];
  const out: Array<[string, unknown]> = [[at, v]];
  if (typeof v === 'object' && v !== null) {
    for (const [k, child] of Object.entries(v)) out.push(...pointers(child, `${at}/${k}`));
  }
  return out;
}

/** Sets (or, with `remove`, deletes) the value at a pointer of a copy of `doc`; returns the
 * copy (for '' the replacement itself). */
function edit(doc: unknown, pointer: string, value: unknown, remove = false): unknown {
  if (pointer === '') return value;
  const copy = JSON.parse(JSON.stringify(doc));
  const keys = pointer.slice(1).split('/');
  let parent = copy;
  for (const k of keys.slice(0, -1)) parent = parent[k];
  const last = keys[keys.length - 1]!;
  if (remove) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = value;
  }
  return copy;
}

const DEEP = '__deep__';

/** A spec text that is invalid by construction (each mutation breaks a rule everywhere it
 * applies), and what it is. */
const SPEC_FAULTS = ['object', 'string', 'delete', 'deep', 'truncate', 'huge', 'inputs'] as const;

function badSpec(rng: Rng, kind: (typeof SPEC_FAULTS)[number] = pick(rng, SPEC_FAULTS)): [string, string] {
  const all = pointers(tiny);
  const [pointer] = pick(rng, all);
  switch (kind) {
    case 'object': // no place outside provenance.params takes { fuzz }: wrong type or unknown field
      return [`${pointer || '/'} := {fuzz}`, JSON.stringify(edit(tiny, pointer, { fuzz: rng() }))];
    case 'string': {
      // every number, boolean and null of a spec is typed: a string there is wrong
      const [p, v] = pick(
        rng,
        all.filter(([, x]) => x === null || typeof x === 'number' || typeof x === 'boolean'),
      );
      return [`${p} := "${String(v)}"`, JSON.stringify(edit(tiny, p, String(v)))];
    }
    case 'delete': {
      // every member of a spec object is required (params of the custom graphs are empty)
      const [p] = pick(
        rng,
        all.filter(([p, x]) => p !== '' && !/\/\d+$/.test(p) && x !== undefined),
      );
      return [`delete ${p}`, JSON.stringify(edit(tiny, p, undefined, true))];
    }
    case 'deep': {
      const depth = logInt(rng, 65, 200_000);
      return [
        `${pointer || '/'} := ${depth}-deep array`,
        JSON.stringify(edit(tiny, pointer, DEEP)).replace(`"${DEEP}"`, deepArray(depth)),
      ];
    }
    case 'truncate': {
      const text = JSON.stringify(tiny);
      const at = int(rng, 1, text.length - 1);
      return [`cut at byte ${at}`, text.slice(0, at)];
    }
    case 'huge': {
      const [p, target] = pick(rng, [
        ['/input/height', 10 ** int(rng, 5, 300)],
        ['/classes', int(rng, 1_000_001, 2 ** 40)],
        ['/stages/1/channels', int(rng, 65_537, 2 ** 40)],
        ['/head/channels', int(rng, 65_537, 2 ** 40)],
        [
          '/stages/0/nodes',
          Array.from({ length: int(rng, 4097, 20_000) }, (_, id) => ({ id, inputs: ['input'], stride: 2 })),
        ],
      ] as const);
      return [`${p} := huge`, JSON.stringify(edit(tiny, p, target))];
    }
    case 'inputs': {
      const count = logInt(rng, 10, 200_000);
      return [
        `/stages/0/nodes/3/inputs := 0..${count - 1}`,
        JSON.stringify(
          edit(
            tiny,
            '/stages/0/nodes/3/inputs',
            Array.from({ length: count }, (_, i) => i),
          ),
        ),
      ];
    }
  }
}

function specCases(count: number): Case[] {
  const rng = createRng(`${SEED}:spec`);
  const commands = [
    (f: string) => ['validate', f],
    (f: string) => ['inspect', f],
    (f: string) => ['render', f, '-o', 'out/net.svg'],
    (f: string) => ['train', f, '-o', 'out/run', '--data', 'synthetic', '--epochs', '1'],
  ];
  // Every fault with every command (7 faults and 4 commands are coprime).
  return Array.from({ length: count }, (_, i) => {
    const [what, text] = badSpec(rng, SPEC_FAULTS[i % SPEC_FAULTS.length]);
    return {
      name: `spec ${what}`,
      files: { 'spec.json': text },
      args: commands[i % commands.length]!('in/spec.json'),
    };
  });
}

function graphCases(count: number): Case[] {
  const rng = createRng(`${SEED}:graph`);
  const make = (): string[] => {
    const model = pick(rng, ['ws', 'ba', 'er'] as const);
    const valid = { ws: ['--k', '4', '--p', '0.5'], ba: ['--m', '5'], er: ['--p', String(rng())] }[model];
    switch (pick(rng, ['big', 'param', 'number', 'missing'] as const)) {
      case 'big': // >= 300,000 nodes: at least 600,000 edges to the input and output nodes alone
        return ['--model', model, '--nodes', String(logInt(rng, 300_000, 1e12)), ...valid];
      case 'param': {
        const n = int(rng, 3, 64);
        const bad = {
          ws: [
            ['--k', String(2 * int(rng, 0, 40) + 1), '--p', '0.5'],
            ['--k', String(2 * int(rng, n, 500)), '--p', '0.5'],
            ['--k', '4', '--p', String(1 + rng())],
            ['--k', '4', '--p', '0.5', '--m', '2'],
          ],
          ba: [
            ['--m', '0'],
            ['--m', String(int(rng, n, 1000))],
            ['--m', '2', '--p', '0.5'],
          ],
          er: [
            ['--p', String(-rng() - 0.01)],
            ['--p', '0.5', '--k', '4'],
          ],
        }[model];
        return ['--model', model, '--nodes', String(n), ...pick(rng, bad)];
      }
      case 'number':
        return [
          '--model',
          model,
          '--nodes',
          pick(rng, ['0', '-3', '2.5', 'NaN', 'Infinity', '1e999', '', 'abc', '1e400']),
          ...valid,
        ];
      case 'missing':
        return pick(rng, [
          ['--nodes', '32', ...valid],
          ['--model', model, ...valid],
          ['--model', 'gnp', '--nodes', '32'],
          ['--model', model, '--nodes', '32'],
        ]);
    }
  };
  return Array.from({ length: count }, () => {
    const args = make();
    return { name: `graph ${args.join(' ')}`, args: ['graph', ...args, '--seed', '1', '-o', 'out/g.json'] };
  });
}

function generateCases(): Case[] {
  const rng = createRng(`${SEED}:generate`);
  const variants = [
    ['--preset', 'mnist-small', '--nodes', String(logInt(rng, 4097, 1e12))],
    ['--preset', 'mnist-small', '--channels', String(logInt(rng, 65_537, 1e12))],
    ['--preset', 'regular-109', '--channels', '16384'], // its last stage has 8C = 131072 channels
    ['--input', '28x28x1', '--stages', `${int(rng, 4097, 1e9)}:32`],
    ['--input', '28x28x1', '--stages', '[{"nodes": 4096, "channels": 8, "model": "er", "p": 0.9}]'],
    ['--input', `${logInt(rng, 16_385, 1e9)}x28x1`, '--stages', '8:8'],
    ['--input', '28x28x1', '--stages', '8:8', '--classes', String(logInt(rng, 1_000_001, 1e15))],
    ['--input', '28x28x1', '--stages', '8:8', '--stem', String(logInt(rng, 65_537, 1e9))],
    ['--input', '28x28x1', '--stages', Array(65).fill('4:4').join(',')],
  ];
  return variants.map((v) => ({
    name: `generate ${v.join(' ').slice(0, 80)}`,
    args: ['generate', ...v, '--seed', '0', '-o', 'out/spec.json'],
  }));
}

// Image files.
const u32be = (...v: number[]) => {
  const b = Buffer.alloc(4 * v.length);
  v.forEach((x, i) => {
    b.writeUInt32BE(x >>> 0, 4 * i);
  });
  return b;
};
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const png = (w: number, h: number, rest: Buffer) =>
  Buffer.concat([
    PNG_SIGNATURE,
    u32be(13),
    Buffer.from('IHDR'),
    u32be(w, h),
    Buffer.from([8, 2, 0, 0, 0]),
    u32be(0),
    rest,
  ]);
function npy(shape: number[], dataBytes: number, descr = '|u1'): Buffer {
  const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')},), }\n`;
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.alloc(dataBytes)]);
}
const randomBytes = (rng: Rng, n: number) =>
  Buffer.from(Array.from({ length: n }, () => Math.floor(rng() * 256)));

/** An image file that is invalid by construction. */
const IMAGE_FAULTS = [
  'png-size',
  'png-body',
  'png-cut',
  'pgm-size',
  'pgm-cut',
  'pgm-value',
  'npy',
  'idx',
  'empty',
  'noise',
  'gzip',
] as const;

function badImage(rng: Rng, kind: (typeof IMAGE_FAULTS)[number] = pick(rng, IMAGE_FAULTS)): [string, Buffer] {
  const big = () => logInt(rng, 16_385, 2 ** 32 - 1);
  switch (kind) {
    case 'png-size': {
      const [w, h] =
        rng() < 0.5 ? [big(), int(rng, 1, 64)] : [int(rng, 5793, 16_384), int(rng, 5793, 16_384)];
      return [`PNG header ${w}x${h}`, png(w, h, randomBytes(rng, 64))];
    }
    case 'png-body':
      return [
        'PNG with a noise body',
        png(int(rng, 1, 64), int(rng, 1, 64), randomBytes(rng, int(rng, 0, 300))),
      ];
    case 'png-cut':
      return ['PNG cut in its header', png(8, 8, Buffer.alloc(0)).subarray(0, int(rng, 8, 23))];
    case 'pgm-size': {
      const kind = pick(rng, ['P2', 'P3', 'P5', 'P6']);
      return [`${kind} header huge`, Buffer.from(`${kind}\n${big()} ${big()}\n255\n`)];
    }
    case 'pgm-cut': {
      const [w, h] = [int(rng, 2, 64), int(rng, 2, 64)];
      return [
        `P5 ${w}x${h} cut`,
        Buffer.concat([Buffer.from(`P5 ${w} ${h} 255\n`), randomBytes(rng, int(rng, 0, w * h - 1))]),
      ];
    }
    case 'pgm-value':
      return ['P2 sample above maxval', Buffer.from('P2 2 2 15\n1 2 3 99\n')];
    case 'npy': {
      const shape = [big(), big()];
      return rng() < 0.5
        ? [`npy ${shape.join('x')} without data`, npy(shape, int(rng, 0, 100))]
        : ['npy of float32', npy([4, 4], 64, '<f4')];
    }
    case 'idx': {
      const [n, h, w] = [int(rng, 1, 4), big(), big()];
      return [
        `IDX header ${n}x${h}x${w}`,
        Buffer.concat([u32be(0x803, n, h, w), randomBytes(rng, int(rng, 0, 100))]),
      ];
    }
    case 'empty':
      return ['empty', Buffer.alloc(0)];
    case 'noise':
      return ['noise', Buffer.concat([Buffer.from([0x42]), randomBytes(rng, int(rng, 0, 200))])];
    case 'gzip': {
      const [what, inner] = badImage(rng);
      return [`gzip of ${what}`, rng() < 0.8 ? gzipSync(inner) : gzipSync(inner).subarray(0, 12)];
    }
  }
}

function imageCases(count: number): Case[] {
  const rng = createRng(`${SEED}:image`);
  return Array.from({ length: count }, (_, i) => {
    const [what, bytes] = badImage(rng, IMAGE_FAULTS[i % IMAGE_FAULTS.length]);
    return { name: `predict image: ${what}`, files: { img: bytes }, args: ['predict', 'in/run', 'in/img'] };
  });
}

/** IDX training sets with one fault each (the spec takes 9×9 gray images, 3 classes). */
function idxCases(): Case[] {
  const images = (magic: number, dims: number[], bytes: number) =>
    Buffer.concat([u32be(magic, ...dims), Buffer.alloc(bytes)]);
  const labels = (n: number, value = 0) => Buffer.concat([u32be(0x801, n), Buffer.alloc(n, value)]);
  const sets: Array<[string, Buffer, Buffer]> = [
    ['wrong magic', images(0x802, [4, 9, 9], 324), labels(4)],
    ['truncated', images(0x803, [4, 9, 9], 300), labels(4)],
    ['header claims 2^31 images', images(0x803, [2 ** 31, 9, 9], 324), labels(4)],
    ['28x28 images for a 9x9 spec', images(0x803, [4, 28, 28], 4 * 784), labels(4)],
    ['5 labels for 4 images', images(0x803, [4, 9, 9], 324), labels(5)],
    ['label 200 of 3 classes', images(0x803, [4, 9, 9], 324), labels(4, 200)],
  ];
  return sets.map(([what, img, lab]) => ({
    name: `train on IDX: ${what}`,
    files: { 'mnist/train-images-idx3-ubyte': img, 'mnist/train-labels-idx1-ubyte': lab },
    args: ['train', TINY_SPEC_PATH, '--data', 'mnist=in/mnist', '--epochs', '1', '-o', 'out/run'],
  }));
}

/** An export of the tiny spec (arbitrary weights: only the file format matters here) with
 * `specJson` as its spec metadata. */
function tinyOnnx(specJson?: string): Uint8Array {
  const weights = new Map(
    parameterList(tiny).map((p) => {
      const n = p.shape.reduce((a, b) => a * b, 1);
      return [
        p.name,
        { shape: p.shape, data: new Float32Array(n).fill(p.weight === 'moving_variance' ? 1 : 0.01) },
      ];
    }),
  );
  return exportOnnx(tiny, weights, specJson === undefined ? {} : { specJson });
}

function onnxCases(count: number): Case[] {
  const rng = createRng(`${SEED}:onnx`);
  const good = tinyOnnx();
  const files: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['noise', randomBytes(rng, int(rng, 1, 5000))],
    ['spec metadata not JSON', tinyOnnx('{"format": "randwire-spec", ')],
    ['spec metadata 100,000 deep', tinyOnnx(deepArray(100_000))],
    ['spec metadata an invalid spec', tinyOnnx(badSpec(rng)[1])],
  ];
  while (files.length < count) {
    const at = int(rng, 1, good.length - 1);
    files.push([`cut at byte ${at} of ${good.length}`, good.subarray(0, at)]);
  }
  return files.map(([what, bytes], i) => ({
    name: `ONNX ${what}`,
    files: { 'model.onnx': bytes },
    args:
      i % 2 === 0
        ? ['verify', 'in/model.onnx', '--against', 'in/run']
        : ['predict', 'in/model.onnx', 'embedded:0'],
  }));
}

// ---------------------------------------------------------------------------------------------

describe('bad input: the cases of issue 14 and the CLI limits', () => {
  const tooLarge =
    /^error: randwire graph: .* is too large: about [\d,]+ edges .*, above the limit of 500,000$/;
  const cases: Case[] = [
    // A V8 "Fatal JavaScript invalid size error" with a native stack (exit 133).
    {
      name: 'graph er 50,000 nodes p 0.5',
      args: ['graph', '--model', 'er', '--nodes', '50000', '--p', '0.5'],
      message: tooLarge,
    },
    {
      name: 'graph er 10,000,000 nodes',
      args: ['graph', '--model', 'er', '--nodes', '10000000', '--p', '0.5'],
      message: tooLarge,
    },
    // Ran past 60 s.
    {
      name: 'graph er 5,000 nodes p 0.5',
      args: ['graph', '--model', 'er', '--nodes', '5000', '--p', '0.5'],
      message: tooLarge,
    },
    {
      name: 'graph ws 10,000,000 nodes',
      args: ['graph', '--model', 'ws', '--nodes', '10000000', '--k', '4', '--p', '0.75'],
      message: tooLarge,
    },
    // Built graphs for 30 s before "more than 4096 items".
    {
      name: 'generate 1,000,000 nodes',
      args: ['generate', '--preset', 'mnist-small', '--nodes', '1000000', '-o', 'out/s.json'],
      message: /invalid --nodes '1000000': must be an integer >= 1 and <= 4096/,
    },
    // (The 978 M-parameter training run depends on the machine's memory: limits.test.ts.)
    // "internal error (please report): RangeError: Maximum call stack size exceeded" + stack.
    ...['validate', 'inspect', 'train'].map((cmd) => ({
      name: `${cmd} on a 100,000-deep JSON document`,
      files: { 'deep.json': deepArray(100_000) },
      args: [cmd, 'in/deep.json', ...(cmd === 'train' ? ['-o', 'out/run'] : [])],
      message: /^(error: .*)?in\/deep\.json: (invalid, 1 problem:|1 problem)$/,
    })),
    // Node's "value of size is out of range" after up to 9 s, never naming the dimensions.
    {
      name: 'predict a PNG claiming 100000x100000',
      files: { 'big.png': png(100_000, 100_000, Buffer.alloc(16)) },
      args: ['predict', 'in/run', 'in/big.png'],
      message:
        /big\.png: image of 100000×100000 pixels \(from its header\) is too large: at most 16384 per side/,
    },
    // "the model lacks metadata".
    {
      name: 'verify a 0-byte model',
      files: { 'm.onnx': '' },
      args: ['verify', 'in/m.onnx', '--against', 'in/run'],
      message: /m\.onnx': empty file \(0 bytes\)/,
    },
    // An empty byte list.
    {
      name: 'predict a 0-byte image',
      files: { 'e.png': '' },
      args: ['predict', 'in/run', 'in/e.png'],
      message: /e\.png: empty file \(0 bytes\)/,
    },
    // The CLI's own limits.
    {
      name: 'a spec file above 64 MiB (sparse)',
      prepare: (dir) => {
        writeFileSync(join(dir, 'big.json'), '');
        truncateSync(join(dir, 'big.json'), 65 * 2 ** 20);
      },
      args: ['inspect', 'in/big.json'],
      message: /'in\/big\.json' is larger than 64 MiB, the limit for a spec file/,
    },
    {
      name: 'a PNG render above 2^26 pixels',
      files: {
        'wide.json': serializeSpec(
          generateSpec({
            input: { height: 8, width: 8, channels: 1 },
            classes: 2,
            stages: [{ nodes: 4096, channels: 1, downsample: false }],
            seed: 0,
          }),
        ),
      },
      args: ['render', 'in/wide.json', '-o', 'out/wide.png'],
      message: /draws \d+×\d+ pixels at --scale 1\.5, above the PNG limit of 67108864 pixels/,
    },
    {
      name: 'predict a range above 10,000 images',
      files: { 'i.idx': Buffer.concat([u32be(0x803, 1, 9, 9), Buffer.alloc(81)]) },
      args: ['predict', 'in/run', 'in/i.idx:0-20000'],
      message: /holds 20001 images, above the limit of 10000 per range/,
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => expectRejected(c));
});

describe('bad input: a seeded fuzz (exit 2, one message line, no stack, no output file, within 20 s)', () => {
  it.each(specCases(28).map((c) => [c.name, c] as const))('%s', (_name, c) => expectRejected(c));
  it.each(graphCases(12).map((c) => [c.name, c] as const))('%s', (_name, c) => expectRejected(c));
  it.each(generateCases().map((c) => [c.name, c] as const))('%s', (_name, c) => expectRejected(c));
  it.each(imageCases(22).map((c) => [c.name, c] as const))('%s', (_name, c) => expectRejected(c));
  it.each(idxCases().map((c) => [c.name, c] as const))('%s', (_name, c) => expectRejected(c));
  it.each(onnxCases(8).map((c) => [c.name, c] as const))('%s', (_name, c) => expectRejected(c));
});
