import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli, TINY_SPEC_PATH } from '../test-utils/cli';

const QUICK = [
  '--data',
  'synthetic',
  '--limit',
  '48',
  '--test-limit',
  '24',
  '--batch-size',
  '16',
  '--backend',
  'wasm',
];

describe('randwire train / eval / predict', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-train-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('trains into a run directory, evaluates it and predicts images (--json everywhere)', async () => {
    const runDir = join(dir, 'run');
    const t = await runCli([
      'train',
      TINY_SPEC_PATH,
      ...QUICK,
      '--epochs',
      '2',
      '--seed',
      '0',
      '-o',
      runDir,
      '--json',
    ]);
    expect(t.code).toBe(0);
    const summary = JSON.parse(t.stdout);
    expect(summary).toMatchObject({ status: 'completed', position: { epoch: 2, batch: 0, step: 6 } });
    expect(summary.backend.name).toBe('wasm');
    expect(t.stderr).toMatch(/^backend: wasm/m);
    // auto: the tiny sep-conv network without drop-edge trains on onnxruntime.
    expect(summary.engine).toBe('onnxruntime');
    expect(t.stderr).toMatch(/^engine: onnxruntime/m);
    expect(t.stderr).not.toMatch(/img\/s/); // no progress with --json
    expect(summary.metrics).toHaveLength(2);
    for (const f of [
      'spec.json',
      'train-config.json',
      'metrics.jsonl',
      'model/model.json',
      'model/weights.bin',
    ]) {
      expect(existsSync(join(runDir, f))).toBe(true);
    }
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

    const e = await runCli(['eval', runDir, '--json', '--backend', 'wasm']);
    expect(e.code).toBe(0);
    const ev = JSON.parse(e.stdout);
    expect(ev.count).toBe(24); // the run's --test-limit
    expect(ev.confusion).toHaveLength(3);
    expect(ev.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(24);
    expect(ev.accuracy).toBeCloseTo(summary.final.testAcc, 10);
    const eh = await runCli(['eval', runDir, '--backend', 'wasm', '--limit', '12']);
    expect(eh.stdout).toMatch(/\(12 images\): accuracy [\d.]+%, loss [\d.]+/);
    expect(eh.stdout.split('\n').filter((l) => /^\d /.test(l))).toHaveLength(3);

    // a 9x9 gray PGM and a 2-image IDX file
    const pgm = Buffer.concat([Buffer.from('P5\n# test\n9 9\n255\n'), Buffer.alloc(81, 128)]);
    writeFileSync(join(dir, 'x.pgm'), pgm);
    const idx = Buffer.alloc(16 + 2 * 81, 7);
    idx.writeUInt32BE(0x803, 0);
    idx.writeUInt32BE(2, 4);
    idx.writeUInt32BE(9, 8);
    idx.writeUInt32BE(9, 12);
    writeFileSync(join(dir, 'imgs.idx.gz'), gzipSync(idx));
    const p = await runCli([
      'predict',
      runDir,
      join(dir, 'x.pgm'),
      `${join(dir, 'imgs.idx.gz')}:0-1`,
      '--top',
      '2',
      '--json',
    ]);
    expect(p.code).toBe(0);
    const preds = JSON.parse(p.stdout).predictions;
    expect(preds).toHaveLength(3);
    for (const pr of preds) {
      expect(pr.top).toHaveLength(2);
      expect(pr.top[0].prob).toBeGreaterThanOrEqual(pr.top[1].prob);
    }
    expect(preds[1].top).toEqual(preds[2].top); // identical pixels, identical prediction
    expect(preds[0].top[0].name).toMatch(/^(sine|square) \d+° /); // the synthetic set's class names
    const ph = await runCli(['predict', runDir, `${join(dir, 'imgs.idx.gz')}:5`]);
    expect(ph.code).toBe(2);
    expect(ph.stderr).toMatch(/^error: .*imgs\.idx\.gz/m);
    const pe = await runCli(['predict', runDir, join(dir, 'missing.png')]);
    expect(pe.stderr).toMatch(/no such file or input/);
  });

  it('refuses a non-empty run dir, changed options on resume and a corrupt checkpoint', async () => {
    const runDir = join(dir, 'run');
    expect(
      (await runCli(['train', TINY_SPEC_PATH, ...QUICK, '--epochs', '1', '-o', runDir, '--json'])).code,
    ).toBe(0);
    const before = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8');
    const again = await runCli(['train', TINY_SPEC_PATH, ...QUICK, '--epochs', '1', '-o', runDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: .*is not empty/m);
    const changed = await runCli(['train', '--resume', '-o', runDir, '--lr', '0.5', '--backend', 'wasm']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/option lr = 0\.5 differs/);
    const ckDir = join(runDir, 'checkpoints');
    const [ck] = readdirSync(ckDir);
    const bytes = readFileSync(join(ckDir, ck!));
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(join(ckDir, ck!), bytes);
    const corrupt = await runCli(['train', '--resume', '-o', runDir, '--backend', 'wasm']);
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toContain(`${join(ckDir, ck!)}: corrupt`);
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8')).toBe(before);
  });

  it('reports unreadable data and bad options as one-line errors without creating the run', async () => {
    const runDir = join(dir, 'run');
    const missing = await runCli([
      'train',
      TINY_SPEC_PATH,
      '--data',
      `fashion-mnist=${join(dir, 'nope')}`,
      '-o',
      runDir,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(missing.stderr).toContain(join(dir, 'nope'));
    expect(existsSync(runDir)).toBe(false);
    const shape = await runCli(['train', TINY_SPEC_PATH, '--data', 'embedded', '-o', runDir]);
    expect(shape.stderr).toMatch(/28x28x1 images, spec 'tiny-handmade' expects 9x9x1/);
    expect((await runCli(['train', TINY_SPEC_PATH, '--epochs', '0', '-o', runDir])).stderr).toMatch(
      /invalid --epochs '0'/,
    );
    expect((await runCli(['train', '-o', runDir])).stderr).toMatch(/expected a spec file/);
    for (const [flags, message] of [
      [['--recipe', 'fast'], /invalid --recipe 'fast': must be one of default, paper/],
      [['--init', 'xavier'], /invalid --init 'xavier': must be one of pytorch, he-fan-out/],
      [['--nesterov', '--no-nesterov'], /--nesterov and --no-nesterov exclude each other/],
    ] as const) {
      const r = await runCli(['train', TINY_SPEC_PATH, ...QUICK, ...flags, '-o', runDir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(runDir)).toBe(false);
  });

  it('records the recipe: --recipe paper, then explicit options over it', async () => {
    const runDir = join(dir, 'recipe');
    const t = await runCli([
      'train',
      TINY_SPEC_PATH,
      ...QUICK,
      ...['--epochs', '1', '--recipe', 'paper', '--nesterov', '-o', runDir, '--json'],
    ]);
    expect(t.code).toBe(0);
    const config = JSON.parse(readFileSync(join(runDir, 'train-config.json'), 'utf8'));
    expect(config.options).toMatchObject({
      recipe: 'paper',
      init: 'he-fan-out',
      labelSmoothing: 0.1,
      warmupEpochs: 0,
      nesterov: true,
    });
    const d = await runCli([
      'train',
      TINY_SPEC_PATH,
      ...QUICK,
      '--epochs',
      '1',
      '--no-nesterov',
      '-o',
      join(dir, 'default'),
      '--json',
    ]);
    expect(JSON.parse(d.stdout).options).toMatchObject({
      recipe: 'default',
      init: 'pytorch',
      nesterov: false,
      labelSmoothing: 0,
    });
  });
});
