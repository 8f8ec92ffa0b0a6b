import * as tf from '@tensorflow/tfjs';
import { CheckpointError, TrainOptionsError } from './errors';
import { SgdMomentum } from './optimizer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Reference implementation in plain numbers (PyTorch's SGD) to check the tf-op version.
function reference(
  w0: number[],
  grads: number[][],
  lr: number,
  m: number,
  wd: number,
  nesterov: boolean,
): number[] {
  const w = w0.slice();
  const buf = w0.map(() => 0);
  for (const g of grads) {
    for (let i = 0; i < w.length; i++) {
      const d = g[i]! + wd * w[i]!;
      buf[i] = m * buf[i]! + d;
      w[i] = w[i]! - lr * (nesterov ? d + m * buf[i]! : buf[i]!);
    }
  }
  return w;
}

describe('SgdMomentum', () => {
  const grads = [
    [0.5, -1, 2],
    [0.25, 0.5, -1],
    [1, 1, 1],
  ];
  for (const nesterov of [false, true]) {
    it(`matches the reference update (nesterov=${nesterov}), decaying only 'decay' parameters`, () => {
      const a = tf.variable(tf.tensor1d([1, 2, 3]));
      const b = tf.variable(tf.tensor1d([1, 2, 3]));
      const opt = new SgdMomentum(
        [
          { name: 'a/kernel', variable: a, decay: true },
          { name: 'b/bias', variable: b, decay: false },
        ],
        { momentum: 0.9, nesterov, weightDecay: 0.01 },
      );
      for (const g of grads) {
        const ga = tf.tensor1d(g);
        const gb = tf.tensor1d(g);
        opt.apply({ 'a/kernel': ga, 'b/bias': gb }, 0.1);
        ga.dispose();
        gb.dispose();
      }
      const wantA = reference([1, 2, 3], grads, 0.1, 0.9, 0.01, nesterov);
      const wantB = reference([1, 2, 3], grads, 0.1, 0.9, 0, nesterov);
      Array.from(a.dataSync()).forEach((v, i) => {
        expect(v).toBeCloseTo(wantA[i]!, 5);
      });
      Array.from(b.dataSync()).forEach((v, i) => {
        expect(v).toBeCloseTo(wantB[i]!, 5);
      });
      opt.dispose();
      a.dispose();
      b.dispose();
    });
  }

  it('saves and restores momentum so that continuing gives the same weights', () => {
    const run = (split: boolean) => {
      const w = tf.variable(tf.tensor1d([1, -1]));
      let opt = new SgdMomentum([{ name: 'w', variable: w, decay: true }]);
      const step = (g: number[]) => tf.tidy(() => opt.apply({ w: tf.tensor1d(g) }, 0.1));
      step([1, 2]);
      if (split) {
        const state = opt.getState();
        opt.dispose();
        opt = new SgdMomentum([{ name: 'w', variable: w, decay: true }]);
        opt.setState(state);
      }
      step([0.5, -3]);
      const out = Array.from(w.dataSync());
      opt.dispose();
      w.dispose();
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('treats a missing gradient as zero (momentum and decay still move the weight)', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const opt = new SgdMomentum([{ name: 'w', variable: w, decay: true }], {
      momentum: 0.5,
      weightDecay: 0.1,
    });
    const g = tf.tensor1d([2]);
    opt.apply({ w: g }, 1); // buf = 2.1, w = -1.1
    opt.apply({}, 1); // d = 0.1 * -1.1 = -0.11, buf = 1.05 - 0.11 = 0.94, w = -2.04
    expect(w.dataSync()[0]).toBeCloseTo(-2.04, 5);
    g.dispose();
    opt.dispose();
    w.dispose();
  });

  it('leaks no tensors per step', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const opt = new SgdMomentum([{ name: 'w', variable: w, decay: true }], { nesterov: true });
    const g = tf.tensor1d([1, 1]);
    opt.apply({ w: g }, 0.1);
    const before = tf.memory().numTensors;
    opt.apply({ w: g }, 0.1);
    opt.apply({ w: g }, 0.1);
    expect(tf.memory().numTensors).toBe(before);
    g.dispose();
    opt.dispose();
    w.dispose();
  });

  it('rejects bad options and mismatched state', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    expect(() => new SgdMomentum([{ name: 'w', variable: w, decay: true }], { momentum: 1 })).toThrow(
      TrainOptionsError,
    );
    const opt = new SgdMomentum([{ name: 'w', variable: w, decay: true }]);
    expect(() => opt.setState([{ name: 'w', shape: [3], values: new Float32Array(3) }], 'ck.bin')).toThrow(
      CheckpointError,
    );
    expect(() => opt.setState([], 'ck.bin')).toThrow(/ck.bin: missing momentum buffer for 'w'/);
    const g = tf.tensor1d([1, 1]);
    expect(() => opt.apply({ v: g }, 0.1)).toThrow(/unknown parameter 'v'/);
    g.dispose();
    opt.dispose();
    w.dispose();
  });
});

describe('SgdMomentum tensor ownership', () => {
  it('holds exactly one tensor (its momentum buffer) per parameter and frees them on dispose', () => {
    const params = [
      { name: 'a/kernel', variable: tf.variable(tf.ones([3, 3]), true, 'own-a'), decay: true },
      { name: 'b/bias', variable: tf.variable(tf.ones([4]), true, 'own-b'), decay: false },
    ];
    const before = tf.memory().numTensors;
    const opt = new SgdMomentum(params);
    expect(tf.memory().numTensors - before).toBe(params.length);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const p of params) p.variable.dispose();
  });
});
