import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from './errors';
import { serializeSpec } from './serialize';
import type { NetworkSpec } from './types';
import { parseSpec } from './validate';

const tinyText = readFileSync(join(__dirname, '../fixtures/tiny.json'), 'utf8');

/** Rebuilds an object with its keys in reverse order, recursively. */
function shuffleKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shuffleKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .reverse()
      .map(([k, x]) => [k, shuffleKeys(x)]),
  );
}

describe('serializeSpec', () => {
  it('is byte-identical after parse for a canonical document (the fixture is canonical)', () => {
    expect(serializeSpec(parseSpec(tinyText))).toBe(tinyText);
  });

  it('writes keys in the fixed order whatever the in-memory order', () => {
    const shuffled = shuffleKeys(JSON.parse(tinyText)) as NetworkSpec;
    expect(Object.keys(shuffled)[0]).toBe('provenance');
    const text = serializeSpec(shuffled);
    expect(text).toBe(tinyText);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('sorts the keys of free-form records and prints numbers deterministically', () => {
    const spec = JSON.parse(tinyText) as NetworkSpec;
    spec.stages[0]!.graph = { model: 'ws', params: { p: 0.75, k: 4 }, seed: 0 };
    spec.provenance.params = { zeta: -0, alpha: 1e-7, mid: [1, 2.5] };
    const text = serializeSpec(spec);
    expect(text).toContain('"graph": { "model": "ws", "params": { "k": 4, "p": 0.75 }, "seed": 0 }');
    expect(text).toContain('"params": { "alpha": 1e-7, "mid": [1, 2.5], "zeta": 0 }');
    expect(serializeSpec(parseSpec(text))).toBe(text);
  });

  it('indents nested structures by two spaces, one member per line', () => {
    const lines = tinyText.split('\n');
    expect(lines[1]).toBe('  "format": "randwire-spec",');
    expect(lines.find((l) => l.includes('"id": 2'))).toBe(
      '        { "id": 2, "inputs": [0, 1], "stride": 1 },',
    );
  });

  it('refuses values that are not JSON', () => {
    const spec = JSON.parse(tinyText) as NetworkSpec;
    spec.batchNorm.epsilon = Number.NaN;
    expect(() => serializeSpec(spec)).toThrow(SpecError);
    expect(() => serializeSpec(spec)).toThrow(/\/batchNorm\/epsilon is NaN/);
  });
});
