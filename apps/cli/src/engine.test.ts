// The onnxruntime training engine inside @randwire/tfjs's training loop: same result as the tfjs
// engine (drop-edge and dropout included), resumable from its own checkpoints (byte-identical
// to an uninterrupted run) and from the tfjs engine's; the onnxruntime evaluator gives tfjs's
// evaluation; `--engine auto|tfjs|onnxruntime` resolution.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticDataset } from '@randwire/datasets';
import type { NetworkSpec, NodeTransform } from '@randwire/spec';
import { evaluate, modelWeights, selectBackend, type TrainOptions, train } from '@randwire/tfjs';
import { UserError } from './cli';
import { chooseEngine, engineOption, onnxruntimeEngine, onnxruntimeUnsupported } from './engine';
import { onnxruntimeEvaluator } from './onnx-evaluate';

const tiny = JSON.parse(
  readFileSync(join(__dirname, '../../../packages/spec/fixtures/tiny.json'), 'utf8'),
) as NetworkSpec;
const synth = (count: number, seed: number) =>
  syntheticDataset({ count, height: 9, width: 9, channels: 1, classes: 3, seed });
const data = { train: synth(48, 1), test: synth(16, 2) };
const opts: Partial<TrainOptions> = { epochs: 2, batchSize: 8, lr: 0.05, seed: 3, weightDecay: 1e-3 };
const ort = onnxruntimeEngine(1);

let dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'randwire-engine-'));
  dirs.push(d);
  return d;
};
beforeAll(async () => {
  await selectBackend('wasm');
});
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

async function finalWeights(engine: typeof ort | undefined, runDir?: string) {
  const r = await train(tiny, data, opts, { ...(engine ? { engine } : {}), ...(runDir ? { runDir } : {}) });
  const w = modelWeights(r.model, tiny);
  r.model.dispose();
  return { w, metrics: r.metrics };
}

function maxRel(a: ReturnType<typeof modelWeights>, b: ReturnType<typeof modelWeights>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!.values;
    const y = b[i]!.values;
    let d = 0;
    let s = 1e-3;
    for (let j = 0; j < x.length; j++) {
      d = Math.max(d, Math.abs(x[j]! - y[j]!));
      s = Math.max(s, Math.abs(y[j]!));
    }
    worst = Math.max(worst, d / s);
  }
  return worst;
}

describe('onnxruntime engine in train()', () => {
  it('ends with the weights and metrics of the tfjs engine', async () => {
    const a = await finalWeights(ort);
    const b = await finalWeights(undefined);
    expect(a.w.map((x) => x.name)).toEqual(b.w.map((x) => x.name));
    expect(maxRel(a.w, b.w)).toBeLessThan(1e-3);
    // The weights moved: a no-op engine would be far from tfjs's result.
    const init = await train(tiny, data, { ...opts, lr: 0 }, {});
    expect(maxRel(modelWeights(init.model, tiny), b.w)).toBeGreaterThan(1e-2);
    init.model.dispose();
    for (let e = 0; e < 2; e++) {
      expect(a.metrics[e]!.trainLoss).toBeCloseTo(b.metrics[e]!.trainLoss, 3);
      expect(a.metrics[e]!.testAcc).toBe(b.metrics[e]!.testAcc);
    }
  });

  it('trains with drop-edge and dropout as the tfjs engine does; evaluates on onnxruntime as tfjs does', async () => {
    const noisy = { ...tiny, head: { ...tiny.head, dropout: 0.3 } };
    const o = { ...opts, dropEdge: 0.5 };
    const a = await train(noisy, data, o, { engine: ort, evaluator: onnxruntimeEvaluator(1) });
    const b = await train(noisy, data, o, {});
    expect(maxRel(modelWeights(a.model, noisy), modelWeights(b.model, noisy))).toBeLessThan(1e-3);
    // The noise mattered: without it (same seed) training ends elsewhere.
    const quiet = await train(tiny, data, opts, { engine: ort });
    expect(maxRel(modelWeights(quiet.model, tiny), modelWeights(b.model, noisy))).toBeGreaterThan(1e-2);
    quiet.model.dispose();
    for (let e = 0; e < 2; e++) {
      expect(a.metrics[e]!.trainLoss).toBeCloseTo(b.metrics[e]!.trainLoss, 3);
      expect(a.metrics[e]!.testAcc).toBe(b.metrics[e]!.testAcc);
    }
    // The same weights evaluated on onnxruntime and on tfjs: same predictions, same loss.
    const ours = await onnxruntimeEvaluator(1).evaluate(b.model, noisy, data.test, { batchSize: 5 });
    const theirs = evaluate(b.model, noisy, data.test, { batchSize: 16 });
    expect({ ...ours, loss: 0 }).toEqual({ ...theirs, loss: 0 });
    expect(Math.abs(ours.loss - theirs.loss)).toBeLessThan(1e-5 * theirs.loss);
    a.model.dispose();
    b.model.dispose();
  });

  it('an interrupted run resumes to exactly the weights of an uninterrupted one; tfjs checkpoints resume on it', async () => {
    const full = await finalWeights(ort, tempDir());
    const dir = tempDir();
    const ac = new AbortController();
    const first = await train(tiny, data, opts, {
      engine: ort,
      runDir: dir,
      signal: ac.signal,
      onStep: (info) => {
        if (info.step === 8) ac.abort();
      },
    });
    first.model.dispose();
    expect(first.status).toBe('interrupted');
    expect(first.position.step).toBe(8);
    const resumed = await train(tiny, data, {}, { engine: ort, runDir: dir, resume: true });
    expect(resumed.status).toBe('completed');
    expect(modelWeights(resumed.model, tiny)).toEqual(full.w);
    resumed.model.dispose();

    // A run interrupted on tfjs continues on onnxruntime (same checkpoint format).
    const mixed = tempDir();
    const ac2 = new AbortController();
    (
      await train(tiny, data, opts, {
        runDir: mixed,
        signal: ac2.signal,
        onStep: (info) => {
          if (info.step === 3) ac2.abort();
        },
      })
    ).model.dispose();
    const r = await train(tiny, data, {}, { engine: ort, runDir: mixed, resume: true });
    expect(maxRel(modelWeights(r.model, tiny), full.w)).toBeLessThan(1e-3);
    expect(JSON.parse(readFileSync(join(mixed, 'train-config.json'), 'utf8')).engine).toBe('onnxruntime');
    r.model.dispose();
  });
});

describe('--engine', () => {
  const lines: string[] = [];
  const ctx = { err: (t: string) => lines.push(t) };
  afterEach(() => {
    lines.length = 0;
  });

  // A transform the spec vocabulary might add later, which the training graph does not know.
  const unknown = {
    ...tiny,
    stages: tiny.stages.map((s) => ({ ...s, transform: 'new-op' as NodeTransform })),
  };

  it('auto picks onnxruntime for every network of the spec vocabulary (pooling, dropout, drop-edge), with its evaluator', () => {
    for (const transform of ['max-pool-conv-1x1', 'avg-pool-conv-1x1', 'conv-3x3'] as const) {
      const spec = {
        ...tiny,
        stages: tiny.stages.map((s) => ({ ...s, transform })),
        head: { ...tiny.head, dropout: 0.2 },
      };
      expect(onnxruntimeUnsupported(spec)).toBeNull();
      const chosen = chooseEngine('train', 'auto', spec, ctx);
      expect(chosen.name).toBe('onnxruntime');
      expect(chosen.evaluator?.name).toBe('onnxruntime');
      expect(lines.at(-1)).toMatch(/^engine: onnxruntime/);
    }
    expect(onnxruntimeUnsupported(unknown)).toMatch(/'new-op'/);
    expect(chooseEngine('train', 'auto', unknown, ctx).name).toBe('tfjs');
    expect(lines.at(-1)).toMatch(
      /^engine: tfjs \(onnxruntime cannot train this run: stage 's1' uses node transform 'new-op'/,
    );
    expect(chooseEngine('train', 'tfjs', tiny, ctx)).toEqual({ name: 'tfjs' });
  });

  it('--engine onnxruntime on a network it cannot train, or an unknown engine, is a user error', () => {
    expect(() => chooseEngine('train', 'onnxruntime', unknown, ctx)).toThrow(UserError);
    expect(() => chooseEngine('train', 'onnxruntime', unknown, ctx)).toThrow(
      /--engine onnxruntime cannot train/,
    );
    expect(() => engineOption('train', 'torch')).toThrow(/engine.*torch.*auto, tfjs, onnxruntime/);
  });
});
