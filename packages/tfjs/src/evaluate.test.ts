import { TrainOptionsError } from './errors';
import { classificationMetrics, formatConfusion } from './evaluate';

describe('classificationMetrics', () => {
  // 3 classes, hand-made: class 0 all right (2), class 1 one of three right, class 2 none present.
  const labels = [0, 0, 1, 1, 1];
  const preds = [0, 0, 1, 2, 0];

  it('computes accuracy, per-class accuracy and the confusion matrix', () => {
    const m = classificationMetrics(labels, preds, 3, ['a', 'b', 'c']);
    expect(m.count).toBe(5);
    expect(m.accuracy).toBeCloseTo(3 / 5, 12);
    expect(m.confusion).toEqual([
      [2, 0, 0],
      [1, 1, 1],
      [0, 0, 0],
    ]);
    expect(m.perClass.map((c) => [c.name, c.count, c.correct])).toEqual([
      ['a', 2, 2],
      ['b', 3, 1],
      ['c', 0, 0],
    ]);
    expect(m.perClass[1]!.accuracy).toBeCloseTo(1 / 3, 12);
    expect(m.perClass[2]!.accuracy).toBeNull();
  });

  it('prints a table with one row per true class', () => {
    const text = formatConfusion(classificationMetrics(labels, preds, 3, ['a', 'b', 'c']));
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^1 b\s+1\s+1\s+1\s+33\.3%$/);
    expect(lines[3]).toMatch(/-$/);
  });

  it('rejects out-of-range classes and length mismatches', () => {
    expect(() => classificationMetrics([0, 3], [0, 0], 3)).toThrow(/label 3/);
    expect(() => classificationMetrics([0], [0, 1], 3)).toThrow(TrainOptionsError);
  });
});
