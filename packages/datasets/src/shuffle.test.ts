import { shuffledIndices } from './shuffle';

describe('shuffledIndices', () => {
  it('is a permutation of 0..count-1', () => {
    const p = shuffledIndices(1000, 3, 0);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('is the same for the same (seed, epoch), different otherwise; 0 is a seed', () => {
    expect(shuffledIndices(100, 0, 0)).toEqual(shuffledIndices(100, 0, 0));
    expect(shuffledIndices(100, 0, 0)).not.toEqual(shuffledIndices(100, 1, 0));
    expect(shuffledIndices(100, 0, 0)).not.toEqual(shuffledIndices(100, 0, 1));
  });

  it('handles empty and single-element sets', () => {
    expect(shuffledIndices(0, 1, 1)).toHaveLength(0);
    expect([...shuffledIndices(1, 1, 1)]).toEqual([0]);
  });
});
