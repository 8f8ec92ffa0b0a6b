import { handSpec } from '@randwire/spec/testing';
import { OnnxRuntimeError } from './errors';
import { exportOnnx } from './export-onnx';
import { randomWeights } from './test-utils/reference';
import { measureOnnxThroughput } from './throughput';

describe('measureOnnxThroughput', () => {
  const spec = handSpec();
  const model = exportOnnx(spec, randomWeights(spec, 1));

  it('reports its settings and consistent rates (no timing assertions)', async () => {
    const t = await measureOnnxThroughput(model, {
      batch: 3,
      threads: 1,
      warmup: 1,
      minSeconds: 0,
      minIterations: 4,
    });
    expect(t).toMatchObject({ batch: 3, threads: 1, graphOptimizationLevel: 'all' });
    expect(t.iterations).toBeGreaterThanOrEqual(4);
    expect(t.imagesPerSecond).toBeCloseTo(3 / (t.msPerBatch / 1000), 6);
    expect(t.cpuPerWall).toBeGreaterThanOrEqual(0);
  });

  it('rejects bad settings', async () => {
    await expect(measureOnnxThroughput(model, { minIterations: 0 })).rejects.toThrow(OnnxRuntimeError);
  });
});
