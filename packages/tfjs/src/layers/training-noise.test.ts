import { ModelBuildError } from '../model-errors';
import { TrainingNoise } from './training-noise';

describe('TrainingNoise', () => {
  it('never drops the only input, and nothing at rate 0', () => {
    const always = new TrainingNoise({ seed: 1, dropEdgeRate: 1 });
    const never = new TrainingNoise({ seed: 1, dropEdgeRate: 0 });
    const single: number[] = [];
    const triple = new Set<number>();
    const none = new Set<number>();
    for (let step = 0; step < 500; step++) {
      single.push(always.droppedInput('s1_n3_agg', 1, step), always.droppedInput('s1_n3_agg', 0, step));
      triple.add(always.droppedInput('s1_n3_agg', 3, step));
      none.add(never.droppedInput('s1_n3_agg', 3, step));
    }
    expect(new Set(single)).toEqual(new Set([-1]));
    expect([...triple].sort()).toEqual([0, 1, 2]);
    expect(none).toEqual(new Set([-1]));
  });

  it('drops at the stated rate, each input equally often (seeded, 5 sd bounds)', () => {
    const p = 0.1;
    const noise = new TrainingNoise({ seed: 42, dropEdgeRate: p });
    const steps = 20000;
    const counts = [0, 0, 0];
    let drops = 0;
    for (let step = 0; step < steps; step++) {
      const j = noise.droppedInput('s2_n7_agg', 3, step);
      if (j >= 0) {
        drops++;
        counts[j]! += 1;
      }
    }
    expect(Math.abs(drops - p * steps)).toBeLessThan(5 * Math.sqrt(steps * p * (1 - p)));
    for (const c of counts) expect(Math.abs(c - drops / 3)).toBeLessThan(5 * Math.sqrt((drops * 2) / 9));
  });

  it('is a pure function of (seed, step, layer): resuming reproduces the draws', () => {
    const a = new TrainingNoise({ seed: 3, dropEdgeRate: 0.5 });
    const b = new TrainingNoise({ seed: 3, dropEdgeRate: 0.5 });
    const draws = (n: TrainingNoise, from: number, to: number): number[] => {
      const out: number[] = [];
      for (let s = from; s < to; s++) {
        n.step = s;
        out.push(
          n.droppedInput('s1_n2_agg', 2),
          n.droppedInput('s1_n4_agg', 3),
          n.dropoutSeed('head_dropout'),
        );
      }
      return out;
    };
    const full = draws(a, 0, 100);
    const resumed = [
      ...draws(b, 0, 40),
      ...draws(new TrainingNoise({ seed: 3, dropEdgeRate: 0.5 }), 40, 100),
    ];
    expect(resumed).toEqual(full);
    // layers draw independently, and another seed draws differently
    const c = new TrainingNoise({ seed: 4, dropEdgeRate: 0.5 });
    expect(draws(c, 0, 100)).not.toEqual(full);
    const n1: number[] = [];
    const n2: number[] = [];
    for (let s = 0; s < 100; s++) {
      n1.push(a.droppedInput('s1_n2_agg', 2, s));
      n2.push(a.droppedInput('s1_n5_agg', 2, s));
    }
    expect(n1).not.toEqual(n2);
  });

  it('rejects invalid options', () => {
    expect(() => new TrainingNoise({ dropEdgeRate: 1.5 })).toThrow(ModelBuildError);
    expect(() => new TrainingNoise({ dropEdgeRate: Number.NaN })).toThrow(/dropEdgeRate/);
    expect(() => new TrainingNoise({ seed: 0.5 })).toThrow(/seed/);
    const n = new TrainingNoise({ seed: 0 });
    expect(n.seed).toBe(0);
    expect(() => {
      n.step = -0.5;
    }).toThrow(/step/);
  });
});
