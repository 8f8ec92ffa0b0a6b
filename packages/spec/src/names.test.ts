import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parameterList } from './names';
import type { NetworkSpec } from './types';

const tiny = JSON.parse(readFileSync(join(__dirname, '../fixtures/tiny.json'), 'utf8')) as NetworkSpec;

describe('parameterList', () => {
  it('gives unique stable names and an aggregation weight only to multi-input nodes', () => {
    const params = parameterList(tiny);
    const names = params.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('s1_n2_agg/logits');
    expect(names).not.toContain('s1_n3_agg/logits');
    expect(names.filter((n) => n.endsWith('/logits'))).toEqual(['s1_n2_agg/logits', 's2_n2_agg/logits']);
  });

  it('maps channels at the nodes fed by the stage input', () => {
    const byName = new Map(parameterList(tiny).map((p) => [p.name, p.shape]));
    // s2's input-fed node reads the 8 channels of s1, the others read s2's 16.
    expect(byName.get('s2_n0_conv/pointwise_kernel')).toEqual([1, 1, 8, 16]);
    expect(byName.get('s2_n1_conv/pointwise_kernel')).toEqual([1, 1, 16, 16]);
    expect(byName.get('fc/kernel')).toEqual([32, 3]);
  });
});
