// The corrected AvgPool gradient against the derivative of what the forward computes, written
// out in plain loops: dx[i] = Σ over the windows w covering i of dy[w] / (inputs w covers).
import * as tf from '@tensorflow/tfjs';
import { avgPoolGradient, registerAvgPoolGradient, restoreAvgPoolGradient } from './avg-pool-gradient';
import { quietTfjs, randomArray, relativeError, rng } from './test-utils/compare';

beforeAll(async () => {
  quietTfjs();
  await tf.setBackend('cpu');
});
afterAll(() => {
  registerAvgPoolGradient();
});

/** d/dx of Σ dy · avgPool(x) for NHWC x, 3x3 windows, TF 'same' or 'valid' padding. */
function bruteForce(
  x: readonly number[],
  dy: Float32Array,
  [n, h, w, c]: readonly [number, number, number, number],
  stride: number,
  pad: 'same' | 'valid',
): Float32Array {
  const oh = pad === 'same' ? Math.ceil(h / stride) : Math.floor((h - 3) / stride) + 1;
  const ow = pad === 'same' ? Math.ceil(w / stride) : Math.floor((w - 3) / stride) + 1;
  const top = pad === 'same' ? Math.floor(Math.max((oh - 1) * stride + 3 - h, 0) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max((ow - 1) * stride + 3 - w, 0) / 2) : 0;
  const dx = new Float32Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const r0 = Math.max(i * stride - top, 0);
        const r1 = Math.min(i * stride - top + 3, h);
        const c0 = Math.max(j * stride - left, 0);
        const c1 = Math.min(j * stride - left + 3, w);
        const count = (r1 - r0) * (c1 - c0);
        for (let ch = 0; ch < c; ch++) {
          const g = dy[((b * oh + i) * ow + j) * c + ch]! / count;
          for (let r = r0; r < r1; r++)
            for (let q = c0; q < c1; q++) dx[((b * h + r) * w + q) * c + ch]! += g;
        }
      }
    }
  }
  return dx;
}

function gradient(
  shape: [number, number, number, number],
  stride: number,
  pad: 'same' | 'valid',
  seed: number,
) {
  const r = rng(seed);
  const xv = randomArray(r, shape);
  const x = tf.tensor4d(xv, shape);
  const y = tf.avgPool(x, 3, stride, pad);
  const dyv = randomArray(r, y.shape);
  const dy = tf.tensor(dyv, y.shape);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(t as tf.Tensor4D, 3, stride, pad), dy)))(x);
  const out = {
    ours: g.dataSync() as Float32Array,
    exact: bruteForce(Array.from(xv), dyv, shape, stride, pad),
  };
  tf.dispose([x, y, dy, g]);
  return out;
}

describe('AvgPool gradient', () => {
  test('is the derivative of the forward (padding not counted), strides 1 and 2, odd and even sizes', () => {
    registerAvgPoolGradient();
    expect(tf.getGradient('AvgPool')).toBe(avgPoolGradient);
    expect(registerAvgPoolGradient()).toBe(false);
    for (const [shape, stride, pad] of [
      [[2, 5, 5, 3], 1, 'same'],
      [[2, 6, 7, 3], 2, 'same'],
      [[1, 8, 8, 2], 2, 'same'],
      [[2, 7, 6, 3], 2, 'valid'],
    ] as const) {
      const { ours, exact } = gradient([...shape], stride, pad, 3);
      expect(relativeError(ours, exact)).toBeLessThan(1e-6);
    }
  });

  test("tfjs' own gradient divides border windows by 9: wrong with 'same' padding", () => {
    restoreAvgPoolGradient();
    try {
      const same = gradient([2, 5, 5, 3], 1, 'same', 3);
      expect(relativeError(same.ours, same.exact)).toBeGreaterThan(0.1);
      const valid = gradient([2, 7, 6, 3], 2, 'valid', 3); // no padding: right
      expect(relativeError(valid.ours, valid.exact)).toBeLessThan(1e-6);
    } finally {
      registerAvgPoolGradient();
    }
  });
});
