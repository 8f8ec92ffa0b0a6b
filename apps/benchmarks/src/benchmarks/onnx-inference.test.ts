/**
 * @jest-environment ../../jest.environment.js
 */
// The environment shares typed arrays with onnxruntime-node's native outputs (see there).
import { compareOutputs, exportOnnx, nhwcToNchw, runOnnx } from '@randwire/onnx';
import { generateSpec } from '@randwire/spec';
import { buildModel } from '@randwire/tfjs';
import * as tf from '@tensorflow/tfjs';
import { onnxInference, tfjsWeights } from './onnx-inference';

describe('onnx-inference benchmark', () => {
  it('times the exported model of the same tfjs model (same outputs)', async () => {
    await tf.setBackend('cpu');
    const spec = generateSpec({ preset: 'mnist-small', seed: 0, nodes: 6, channels: 8, headChannels: 32 });
    const model = buildModel(spec, { seed: 0 });
    const x = Float32Array.from({ length: 2 * 28 * 28 }, (_, i) => Math.cos(i));
    const ref = (model.predict(tf.tensor4d(x, [2, 28, 28, 1])) as tf.Tensor[])[0]!.dataSync();
    const out = await runOnnx(exportOnnx(spec, tfjsWeights(model)), {
      data: nhwcToNchw(x, [2, 28, 28, 1]),
      shape: [2, 1, 28, 28],
    });
    expect(compareOutputs(ref, out['logits']!.data, { rowLength: 10 }).pass).toBe(true);
    model.dispose();
  });

  it('builds batch 1 and 32 cases whose variants run', async () => {
    try {
      const cases = await onnxInference.setup({ quick: true, reference: false, log: () => {} });
      expect(cases.map((c) => c.params['batch'])).toEqual([1, 32]);
      for (const c of cases) {
        const names = c.variants.map((v) => v.name);
        expect(names.slice(0, 6)).toEqual([
          'ort-t1',
          'ort-t2',
          'ort-t1-pad16',
          'ort-t2-pad16',
          'ort-t1-pad16-convadd',
          'ort-t2-pad16-convadd',
        ]);
        expect(c.params['paddedParameters']).toBeGreaterThan(c.params['params'] as number);
        expect(names).toContain('tfjs-wasm');
        expect(c.unit).toBe('img/s');
        for (const v of c.variants) {
          expect(v.operationsPerIteration).toBe(c.params['batch']);
          await v.run(1);
        }
      }
    } finally {
      await onnxInference.teardown?.();
    }
  });
});
