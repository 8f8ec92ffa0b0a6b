import * as tf from '@tensorflow/tfjs';
import { ModelBuildError } from './model-errors';
import { normalizedValues, normalizeImages } from './normalize';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const input = (channels: number, mean: number[], std: number[]) => ({
  input: { height: 2, width: 1, channels, mean, std },
});

describe('normalizeImages', () => {
  it('maps uint8 NHWC to (x / 255 - mean[c]) / std[c], per channel', () => {
    const spec = input(3, [0.1, 0.5, 0.9], [0.2, 0.25, 0.5]);
    const images = Uint8Array.from([0, 128, 255, 51, 0, 200, 255, 255, 255, 1, 2, 3]);
    const t = normalizeImages(spec, images, 2);
    expect(t.shape).toEqual([2, 2, 1, 3]);
    expect(t.dtype).toBe('float32');
    const got = t.dataSync();
    images.forEach((v, i) => {
      const c = i % 3;
      expect(got[i]).toBeCloseTo((v / 255 - spec.input.mean[c]!) / spec.input.std[c]!, 5);
    });
  });

  it('handles one channel and zero images', () => {
    const spec = input(1, [0.5], [0.25]);
    expect(Array.from(normalizedValues(spec, Uint8Array.from([0, 255]), 1))).toEqual([-2, 2]);
    expect(normalizeImages(spec, new Uint8Array(0), 0).shape).toEqual([0, 2, 1, 1]);
  });

  it('rejects wrong sizes and bad statistics', () => {
    const spec = input(1, [0.5], [0.25]);
    expect(() => normalizeImages(spec, new Uint8Array(3), 2)).toThrow(ModelBuildError);
    expect(() => normalizeImages(spec, new Uint8Array(3), 2)).toThrow(/3 bytes, 2 images of 2x1x1 need 4/);
    expect(() => normalizeImages(input(1, [0.5], [0]), new Uint8Array(2), 1)).toThrow(/std \(0\)/);
    expect(() => normalizeImages(input(2, [0.5], [1, 1]), new Uint8Array(4), 1)).toThrow(
      /one value per channel/,
    );
  });
});
