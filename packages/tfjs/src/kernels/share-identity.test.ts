import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../backend';
import { castWasm, identityWasm } from './share-identity';
import { quietTfjs } from './test-utils/compare';

beforeAll(async () => {
  quietTfjs();
  await selectBackend('wasm');
});

describe('copy-free Identity and Cast on wasm', () => {
  test('are installed by selectBackend(wasm)', () => {
    expect(tf.getKernel('Identity', 'wasm')?.kernelFunc).toBe(identityWasm.kernelFunc);
    expect(tf.getKernel('Cast', 'wasm')?.kernelFunc).toBe(castWasm.kernelFunc);
  });

  test('clone shares the data, and each tensor stays valid after the other is disposed', () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    const z = tf.add(y, 1);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([2, 3, 4, 5]);
    z.dispose();
  });

  test('a same-dtype cast shares; a real cast converts', () => {
    const x = tf.tensor1d([1.5, -2.5, 3]);
    const same = tf.cast(x, 'float32');
    expect(same.dataId).toBe(x.dataId);
    const i = tf.cast(tf.tensor1d([1, -2, 3], 'int32'), 'float32');
    expect(i.dtype).toBe('float32');
    expect(Array.from(i.dataSync())).toEqual([1, -2, 3]);
    const b = tf.cast(x, 'int32');
    expect(Array.from(b.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([x, same, i, b]);
  });

  test('string tensors go to the native kernel', () => {
    const s = tf.tensor1d(['a', 'bc']);
    const c = tf.clone(s);
    expect(c.dataSync()).toEqual(['a', 'bc']);
    tf.dispose([s, c]);
  });

  test('no data buffers leak across clone/dispose cycles', () => {
    const x = tf.ones([4, 4]);
    const before = tf.memory();
    for (let i = 0; i < 5; i++) tf.clone(x).dispose();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    x.dispose();
  });
});
