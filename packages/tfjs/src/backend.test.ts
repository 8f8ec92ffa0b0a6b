import * as tf from '@tensorflow/tfjs';
import { availableBackends, type BackendPreference, selectBackend } from './backend';
import { BackendError, TfjsError } from './errors';
import { registerWasmGradientKernels } from './kernels/register';

beforeAll(() => {
  tf.env().set('PROD', true);
});

describe('selectBackend', () => {
  test('auto picks the best backend that works and records why better ones were skipped', async () => {
    const info = await selectBackend('auto');
    expect(tf.getBackend()).toBe(info.tfBackend);
    const order = ['node-gpu', 'node', 'wasm', 'cpu'];
    expect(info.fallbacks.map((f) => f.name)).toEqual(order.slice(0, order.indexOf(info.name)));
    for (const f of info.fallbacks) expect(f.reason.length).toBeGreaterThan(0);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.reason).toMatch(/best available/);
    // wasm ships with this package, so auto never falls below it.
    expect(['node-gpu', 'node', 'wasm']).toContain(info.name);
  });

  test('wasm: finds its .wasm files, reports SIMD and threads, registers the gradient kernels', async () => {
    const info = await selectBackend('wasm');
    expect(info).toMatchObject({ name: 'wasm', tfBackend: 'wasm', package: '@tensorflow/tfjs-backend-wasm' });
    expect(typeof info.simd).toBe('boolean');
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.fallbacks).toEqual([]);
    for (const k of [
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
    ]) {
      expect(tf.getKernel(k, 'wasm')).toBeDefined();
    }
    // A computation really runs there.
    const y = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]));
    expect(Array.from(await y.data())).toEqual([4, 6]);
    y.dispose();
  });

  test('cpu can be forced and is active afterwards', async () => {
    const info = await selectBackend('cpu');
    expect(info).toMatchObject({ name: 'cpu', tfBackend: 'cpu', reason: 'requested', threads: 1 });
    expect(tf.getBackend()).toBe('cpu');
  });

  test.each(['node', 'node-gpu'] as const)(
    '%s: active when its package loads, else a BackendError naming it and the alternatives',
    async (name) => {
      const before = await selectBackend('cpu');
      const result = await selectBackend(name).then(
        (info) => ({ info, error: null }),
        (error: unknown) => ({ info: null, error }),
      );
      if (result.info) {
        expect(result.info.name).toBe(name);
        expect(tf.getBackend()).toBe('tensorflow');
      } else {
        expect(result.error).toBeInstanceOf(BackendError);
        expect(result.error).toBeInstanceOf(TfjsError);
        const message = (result.error as Error).message;
        expect(message).toMatch(
          new RegExp(
            `^@randwire/tfjs/backend: backend ${name} \\(@tensorflow/tfjs-${name}\\) is unavailable: .+; available here: .*wasm, cpu$`,
          ),
        );
        expect((result.error as Error).cause).toBeDefined();
        // A failed forced choice leaves the active backend alone.
        expect(tf.getBackend()).toBe(before.tfBackend);
      }
    },
  );

  test('an unknown preference is a BackendError listing the accepted ones', async () => {
    await expect(selectBackend('gpu' as BackendPreference)).rejects.toThrow(BackendError);
    await expect(selectBackend('gpu' as BackendPreference)).rejects.toThrow(
      /unknown backend \(gpu\).*auto, node-gpu, node, wasm, cpu/,
    );
  });

  test('availableBackends always lists wasm and cpu here', () => {
    expect(availableBackends().slice(-2)).toEqual(['wasm', 'cpu']);
  });
});

describe('registerWasmGradientKernels', () => {
  test('is idempotent', async () => {
    await selectBackend('wasm');
    expect(registerWasmGradientKernels()).toEqual([]);
    expect(registerWasmGradientKernels()).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });
});
