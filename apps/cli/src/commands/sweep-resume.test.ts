// The whole sweep in real processes. Killed with SIGKILL after its first point finished (its
// workers notice and stop at a checkpoint), with a torn line appended to results.jsonl (a
// power loss mid-write), the same command run again finishes without redoing finished points,
// and results.jsonl has exactly one line per point. Ctrl-C (SIGINT to the process group, as a
// terminal sends it) leaves every running point at a checkpoint and no lock behind.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test-utils/cli';

const MAIN = join(__dirname, '../main.ts');
const HOOK = join(__dirname, '../test-utils/source-require-hook.js');

/** A sweep of three tiny networks (seeds 0-2) on synthetic data. */
const sweepArgs = (epochs: number, workers: number, out: string) => [
  'sweep',
  ...['--input', '9x9x1', '--classes', '3', '--stem', '4/1', '--stages', '5:8,5:16', '--head-channels', '16'],
  ...['--model', 'ws', '--seeds', '0-2', '--epochs', String(epochs), '--batch-size', '16'],
  ...['--data', 'synthetic', '--limit', '64', '--test-limit', '32', '--backend', 'wasm'],
  ...['--workers', String(workers), '-o', out],
];

const lines = (path: string) =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];

async function waitFor(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('randwire sweep after kill -9', () => {
  let dir: string;
  let first: ChildProcess | null = null;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-sweep-kill-'));
  });
  afterAll(() => {
    first?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes on the rerun without redoing finished points, one results line per point', async () => {
    const out = join(dir, 'sweep');
    const results = join(out, 'results.jsonl');
    first = spawn(process.execPath, ['-r', HOOK, MAIN, ...sweepArgs(2, 1, out)], { stdio: 'ignore' });
    await waitFor('the first finished point', () => lines(results).length >= 1, 180_000);
    first.kill('SIGKILL');
    await new Promise((r) => first!.once('exit', r));
    const done = lines(results).map((l) => JSON.parse(l) as { id: string; dir: string; finishedAt: string });
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(3);
    appendFileSync(results, '{"format":"randwire-sweep-result","id":"torn'); // power lost mid-append

    const rerun = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['-r', HOOK, MAIN, ...sweepArgs(2, 1, out)],
        { timeout: 240_000 },
        (e, stdout, stderr) =>
          resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(rerun.stderr).toMatch(/note: .*results\.jsonl: left out line \d+ \(torn last line/);
    expect(rerun.stderr).toMatch(
      new RegExp(`sweep ${out}: 3 points, ${done.length} finished, ${3 - done.length} to run`),
    );
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/3\/3 points finished/);

    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as {
      points: Array<{ id: string; dir: string }>;
    };
    const final = lines(results).map((l) => JSON.parse(l) as { id: string; finishedAt: string });
    expect(final.map((r) => r.id).sort()).toEqual(sweep.points.map((p) => p.id).sort());
    // finished points were not redone: their results (and result.json files) are unchanged
    for (const d of done) {
      expect(final.find((r) => r.id === d.id)!.finishedAt).toBe(d.finishedAt);
      expect(JSON.parse(readFileSync(join(out, d.dir, 'result.json'), 'utf8')).finishedAt).toBe(d.finishedAt);
    }
    for (const p of sweep.points) expect(existsSync(join(out, p.dir, 'point.lock'))).toBe(false);
    expect(existsSync(join(out, 'sweep.lock'))).toBe(false);

    const status = JSON.parse(
      await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['-r', HOOK, MAIN, 'sweep', '--status', out, '--json'], (e, stdout) =>
          e ? reject(e) : resolve(stdout),
        ),
      ),
    ) as { counts: Record<string, number> };
    expect(status.counts).toMatchObject({ done: 3, pending: 0, partial: 0, failed: 0 });
  }, 300_000);

  it('waits for a point another process holds, then trains it', async () => {
    const out = join(dir, 'busy');
    const dry = await runCli([
      ...sweepArgs(1, 1, out).slice(0, -2),
      '--seeds',
      '0',
      '-o',
      out,
      '--dry-run',
      '--json',
    ]);
    const [point] = JSON.parse(dry.stdout) as Array<{ dir: string }>;
    mkdirSync(point!.dir, { recursive: true });
    const lock = join(point!.dir, 'point.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: 'now' })); // alive
    const log = join(point!.dir, 'worker.log');
    const refused = () => existsSync(log) && /is in use by process/.test(readFileSync(log, 'utf8'));
    // let go once a worker was turned away
    void waitFor('a worker turned away', refused, 100_000).then(() => rmSync(lock));
    const r = await runCli([...sweepArgs(1, 1, out).slice(0, -2), '--seeds', '0', '-o', out]);
    expect(r.stderr).toMatch(/^wait {3}seed 0 {2}another process holds the point; retrying in 2 s$/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1\/1 points finished/);
  }, 120_000);

  it('stops at checkpoints on Ctrl-C and exits 130', async () => {
    const out = join(dir, 'ctrl-c');
    const sweep = spawn(process.execPath, ['-r', HOOK, MAIN, ...sweepArgs(400, 2, out)], {
      stdio: 'ignore',
      detached: true, // its own process group, which a terminal's Ctrl-C signals as a whole
    });
    first = sweep;
    const logs = () =>
      existsSync(out)
        ? readdirSync(out)
            .map((d) => join(out, d, 'worker.log'))
            .filter((f) => existsSync(f) && /training point/.test(readFileSync(f, 'utf8')))
        : [];
    await waitFor('two points training', () => logs().length === 2, 180_000);
    await new Promise((r) => setTimeout(r, 1000));
    const exited = new Promise<number | null>((r) => sweep.once('exit', (code) => r(code)));
    process.kill(-sweep.pid!, 'SIGINT');
    expect(await exited).toBe(130);
    for (const log of logs()) {
      expect(readFileSync(log, 'utf8')).toMatch(/interrupted at step \d+: checkpoint saved/);
      expect(existsSync(join(log, '..', 'point.lock'))).toBe(false);
    }
    expect(existsSync(join(out, 'sweep.lock'))).toBe(false);
  }, 300_000);
});
