import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpecValidationError } from '@randwire/spec';
import { RunDirError } from './errors';
import { prepareRunDir, RUN_FILES, readMetrics, readRunSpec, writeFileAtomic, writeMetrics } from './run-dir';

describe('run directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'randwire-run-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writeFileAtomic replaces the file and leaves no temp file, also on error', () => {
    const f = join(dir, 'a.json');
    writeFileAtomic(f, 'one');
    writeFileAtomic(f, Buffer.from('two'));
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(() => writeFileAtomic(join(dir, 'missing-folder', 'b.json'), 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('refuses a non-empty folder unless forced, then removes only run files', () => {
    const run = join(dir, 'run');
    prepareRunDir(run);
    expect(existsSync(join(run, RUN_FILES.checkpoints))).toBe(true);
    writeFileSync(join(run, RUN_FILES.metrics), '{"epoch":1}\n');
    writeFileSync(join(run, 'mine.txt'), 'keep');
    expect(() => prepareRunDir(run)).toThrow(RunDirError);
    expect(() => prepareRunDir(run)).toThrow(/is not empty/);
    prepareRunDir(run, { force: true });
    expect(readdirSync(run).sort()).toEqual([RUN_FILES.checkpoints, 'mine.txt']);
  });

  it('reads and writes metrics lines; bad JSON names the file and line', () => {
    writeMetrics(dir, [{ epoch: 1 }, { epoch: 2 }]);
    expect(readMetrics(dir)).toEqual([{ epoch: 1 }, { epoch: 2 }]);
    writeFileSync(join(dir, RUN_FILES.metrics), '{"epoch":1}\n{oops\n');
    expect(() => readMetrics(dir)).toThrow(/metrics\.jsonl: line 2 is not valid JSON/);
  });

  it('reports a missing or invalid spec naming the file', () => {
    expect(() => readRunSpec(dir)).toThrow(/spec\.json: cannot read the spec/);
    writeFileSync(join(dir, RUN_FILES.spec), '{"format":"other"}');
    expect(() => readRunSpec(dir)).toThrow(SpecValidationError);
    expect(() => readRunSpec(dir)).toThrow(/invalid spec in .*spec\.json.*\n.*\/format: unknown format/);
    // Validated, not trusted: a 100,000-deep document is one problem, not a stack overflow.
    writeFileSync(join(dir, RUN_FILES.spec), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(() => readRunSpec(dir)).toThrow(/nested deeper than 64 levels/);
  });
});
