import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendResult, type PointResult, readResults, writeResults } from './results';

const FIXTURE = join(__dirname, '../fixtures/results.jsonl');
const fixture = () => readResults(FIXTURE).results;

describe('results store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rw-results-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends one line per result and reads them back', () => {
    const path = join(dir, 'results.jsonl');
    expect(readResults(path)).toEqual({ results: [], skipped: [] });
    const [a, b] = fixture() as [PointResult, PointResult];
    appendResult(path, a);
    appendResult(path, b);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    expect(readResults(path)).toEqual({ results: [a, b], skipped: [] });
  });

  it('skips a torn last line, junk and repeated ids, and rewrites the file without them', () => {
    const path = join(dir, 'results.jsonl');
    const [a, b, c] = fixture() as [PointResult, PointResult, PointResult];
    writeFileSync(path, `${JSON.stringify(a)}\nnot json\n${JSON.stringify(b)}\n${JSON.stringify(a)}\n`);
    appendFileSync(path, JSON.stringify(c).slice(0, 50)); // power lost mid-append
    const read = readResults(path);
    expect(read.results.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(read.skipped).toEqual([
      { line: 2, why: 'not JSON' },
      { line: 4, why: `point ${a.id} again` },
      { line: 5, why: 'torn last line (interrupted write)' },
    ]);
    writeResults(path, read.results);
    expect(readResults(path)).toEqual({ results: [a, b], skipped: [] });
  });

  it('treats a complete line without its newline as torn', () => {
    const path = join(dir, 'results.jsonl');
    const [a] = fixture() as [PointResult];
    writeFileSync(path, JSON.stringify(a));
    expect(readResults(path).skipped).toEqual([{ line: 1, why: 'torn last line (interrupted write)' }]);
  });
});
