import { generateSpec } from '@randwire/spec';
import { handSpec } from '@randwire/spec/testing';
import { PointError } from './errors';
import { makePoint, pointDirName, pointId, type Recipe, validatePoint } from './point';

const recipe = (over: Partial<Recipe['train']> = {}): Recipe => ({
  train: { epochs: 1, batchSize: 16, lr: 0.1, seed: 0, ...over },
  data: { data: 'synthetic', limit: 64, testLimit: 32 },
  engine: 'auto',
});

describe('point ids', () => {
  it('are a stable hash of (spec, recipe), independent of key order', () => {
    const spec = handSpec();
    // Pinned: the id must not change across machines or versions of this code.
    expect(pointId(spec, recipe())).toBe('bb0564db433f67cb');
    const shuffled = JSON.parse(JSON.stringify({ recipe: recipe(), spec })) as {
      spec: typeof spec;
      recipe: Recipe;
    };
    const reordered: Recipe = {
      engine: 'auto',
      data: shuffled.recipe.data,
      train: { seed: 0, lr: 0.1, batchSize: 16, epochs: 1 },
    };
    expect(pointId(shuffled.spec, reordered)).toBe(pointId(spec, recipe()));
  });

  it('change with the network, every training option and the data', () => {
    const spec = handSpec();
    const ids = new Set([
      pointId(spec, recipe()),
      pointId(spec, recipe({ seed: 1 })),
      pointId(spec, recipe({ lr: 0.05 })),
      pointId(spec, { ...recipe(), data: { data: 'synthetic', limit: 65, testLimit: 32 } }),
      pointId(spec, { ...recipe(), engine: 'tfjs' }),
      pointId(handSpec({ transform: 'conv-3x3' }), recipe()),
    ]);
    expect(ids.size).toBe(6);
  });

  it('name the run directory after the spec', () => {
    const spec = generateSpec({ preset: 'mnist-small', model: 'ba', m: 5, seed: 3 });
    const point = makePoint({
      theta: { preset: 'mnist-small', model: 'ba', m: 5 },
      seed: 3,
      spec,
      recipe: recipe({ seed: 3 }),
    });
    expect(pointDirName(point)).toBe(`mnist-small-ba-seed3-${point.id.slice(0, 10)}`);
  });
});

describe('validatePoint', () => {
  const point = makePoint({ theta: { preset: 'custom' }, seed: 0, spec: handSpec(), recipe: recipe() });

  it('accepts a payload after a JSON round trip', () => {
    expect(validatePoint(JSON.parse(JSON.stringify(point)))).toEqual(point);
  });

  it('rejects a changed payload and names the field', () => {
    const tampered = JSON.parse(JSON.stringify(point));
    tampered.recipe.train.lr = 0.2;
    expect(() => validatePoint(tampered, 'p.json')).toThrow(PointError);
    expect(() => validatePoint(tampered, 'p.json')).toThrow(
      /^p\.json: \/id: is [0-9a-f]{16}, but \(spec, recipe\) hash to /,
    );
    const badSpec = JSON.parse(JSON.stringify(point));
    badSpec.spec.stages[0].nodes[2].inputs = [7];
    expect(() => validatePoint(badSpec, 'p.json')).toThrow(/^p\.json: \/spec\/stages\/0\/nodes\/2\/inputs/);
    expect(() => validatePoint({ ...point, recipe: { ...point.recipe, engine: 'gpu' } }, 'p.json')).toThrow(
      /^p\.json: \/recipe\/engine: must be one of auto, tfjs, onnxruntime/,
    );
  });
});
