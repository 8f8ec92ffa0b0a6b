import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, SpecParseError, type SpecProblem, SpecValidationError } from './errors';
import { SCHEMA_LIMITS } from './schema';
import type { NetworkSpec } from './types';
import { parseSpec, validateSpec } from './validate';

const tinyText = readFileSync(join(__dirname, '../fixtures/tiny.json'), 'utf8');

/** A fresh copy of the tiny fixture changed by `edit`. */
function tinyWith(edit: (spec: NetworkSpec & Record<string, unknown>) => void): unknown {
  const spec = JSON.parse(tinyText);
  edit(spec);
  return spec;
}

function problemsOf(json: unknown): SpecProblem[] {
  const r = validateSpec(json);
  if (r.ok) throw new Error('expected the spec to be rejected');
  return r.problems;
}

/** Asserts one problem at `pointer` whose message matches `pattern`. */
function expectProblem(json: unknown, pointer: string, pattern: RegExp): SpecProblem {
  const problems = problemsOf(json);
  const hit = problems.find((p) => p.pointer === pointer && pattern.test(p.message));
  if (!hit)
    throw new Error(`no problem at ${pointer} matching ${pattern}; got ${JSON.stringify(problems, null, 1)}`);
  return hit;
}

describe('validateSpec', () => {
  it('accepts the hand-made fixture', () => {
    const r = validateSpec(JSON.parse(tinyText));
    expect(r.ok).toBe(true);
  });

  it('rejects a document that is not an object or not a spec', () => {
    expect(problemsOf([1, 2])[0]?.message).toMatch(/JSON object/);
    expectProblem({ hello: 1 }, '/format', /missing required field 'format'/);
    expect(
      expectProblem(
        tinyWith((s) => Object.assign(s, { format: 'onnx' })),
        '/format',
        /unknown format/,
      ).value,
    ).toBe('onnx');
  });

  it('rejects a newer version clearly and judges nothing else', () => {
    const problems = problemsOf(tinyWith((s) => Object.assign(s, { version: 2, stages: 'garbage' })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ pointer: '/version', value: 2 });
    expect(problems[0]?.message).toMatch(/unsupported version.*reads version 1 only.*upgrade/);
    expectProblem(
      tinyWith((s) => Object.assign(s, { version: 0 })),
      '/version',
      /unknown version: must be 1/,
    );
  });

  it('names missing fields and unknown fields', () => {
    expectProblem(
      tinyWith((s) => {
        delete (s.stages[0] as unknown as Record<string, unknown>)['channels'];
      }),
      '/stages/0/channels',
      /missing required field 'channels'/,
    );
    const p = expectProblem(
      tinyWith((s) => Object.assign(s.head, { widht: 3 })),
      '/head/widht',
      /unknown field 'widht': allowed fields are inChannels, channels, classes, dropout/,
    );
    expect(p.value).toBe(3);
  });

  it('rejects unknown transforms, graph models and bad node input entries', () => {
    const p = expectProblem(
      tinyWith((s) => Object.assign(s.stages[1]!, { transform: 'conv-5x5' })),
      '/stages/1/transform',
      /unknown transform: must be one of "sep-conv-3x3", "conv-3x3"/,
    );
    expect(p.value).toBe('conv-5x5');
    expectProblem(
      tinyWith((s) => Object.assign(s.stages[0]!.graph, { model: 'kleinberg' })),
      '/stages/0/graph/model',
      /unknown graph model/,
    );
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.nodes[2]!.inputs = [0, 'inptu' as unknown as number];
      }),
      '/stages/0/nodes/2/inputs/1',
      /node id .* or 'input'/,
    );
    expectProblem(
      tinyWith((s) => Object.assign(s.stem[0]!, { name: 'Conv_1' })),
      '/stem/0/name',
      /lowercase/,
    );
  });

  it('requires the graph parameters of the recorded model', () => {
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.graph = { model: 'ws', params: { k: 4 }, seed: 1 };
      }),
      '/stages/0/graph/params',
      /graph model ws takes exactly k, p/,
    );
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.graph.params = { m: 2 };
      }),
      '/stages/0/graph/params',
      /graph model custom takes no parameters/,
    );
  });

  it('rejects an edge from a node that does not exist', () => {
    const p = expectProblem(
      tinyWith((s) => {
        s.stages[0]!.nodes[3]!.inputs = [2, 7];
      }),
      '/stages/0/nodes/3/inputs/1',
      /edge from node 7, which does not exist: the stage has nodes 0\.\.4/,
    );
    expect(p.value).toBe(7);
  });

  it('rejects an edge that is not from a smaller id (a possible cycle) and unordered inputs', () => {
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.nodes[2]!.inputs = [0, 3];
        s.stages[0]!.nodes[3]!.inputs = [2];
      }),
      '/stages/0/nodes/2/inputs/1',
      /from node 3 into node 2 .*smaller ids.*cycle/,
    );
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.nodes[2]!.inputs = [1, 0];
      }),
      '/stages/0/nodes/2/inputs/1',
      /strictly ascending: 0 follows 1/,
    );
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.nodes[1]!.id = 4;
      }),
      '/stages/0/nodes/1/id',
      /expected 1/,
    );
  });

  it('rejects a node unreachable from the stage input, or mixing "input" with node ids', () => {
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.nodes[4]!.inputs = [];
      }),
      '/stages/0/nodes/4/inputs',
      /no inputs, so it is unreachable from the stage input/,
    );
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.nodes[2]!.inputs = ['input', 0];
      }),
      '/stages/0/nodes/2/inputs',
      /"input" must be the only entry/,
    );
  });

  it('requires outputs to be exactly the sinks', () => {
    // Node 3 is a sink; leaving it out means it never reaches the output node.
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.outputs = [4];
      }),
      '/stages/0/outputs',
      /node 3 does not reach the stage output/,
    );
    // Node 2 feeds node 3: not a sink.
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.outputs = [2, 3, 4];
      }),
      '/stages/0/outputs/0',
      /node 2 is not a sink \(it feeds node 3\)/,
    );
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.outputs = [3, 4, 9];
      }),
      '/stages/0/outputs/2',
      /output node 9 does not exist/,
    );
  });

  it('checks the channel chain from input through stem and stages to the head', () => {
    expectProblem(
      tinyWith((s) => {
        s.stem[0]!.inChannels = 3;
      }),
      '/stem/0/inChannels',
      /must equal \/input\/channels \(1\)/,
    );
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.inChannels = 5;
      }),
      '/stages/0/inChannels',
      /must equal \/stem\/0\/channels \(4\)/,
    );
    expectProblem(
      tinyWith((s) => {
        s.stages[1]!.inChannels = 16;
      }),
      '/stages/1/inChannels',
      /must equal \/stages\/0\/channels \(8\)/,
    );
    expectProblem(
      tinyWith((s) => {
        s.head.inChannels = 8;
      }),
      '/head/inChannels',
      /must equal \/stages\/1\/channels \(16\)/,
    );
    expectProblem(
      tinyWith((s) => {
        s.head.classes = 10;
      }),
      '/head/classes',
      /must equal the network's classes \(3\)/,
    );
    expectProblem(
      tinyWith((s) => {
        s.input.mean = [0.5, 0.5, 0.5];
      }),
      '/input/mean',
      /one entry per input channel \(1\)/,
    );
  });

  it('requires an integer depth multiplier for depthwise-3x3', () => {
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.transform = 'depthwise-3x3';
        s.stages[0]!.channels = 10;
        s.stages[1]!.inChannels = 10;
      }),
      '/stages/0/channels',
      /integer depth multiplier.*multiple of inChannels \(4\)/,
    );
    expect(
      validateSpec(tinyWith((s) => Object.assign(s.stages[0]!, { transform: 'depthwise-3x3' }))).ok,
    ).toBe(true);
  });

  it('requires stride 2 exactly at the input-fed nodes of a downsampling stage', () => {
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.nodes[0]!.stride = 1;
      }),
      '/stages/0/nodes/0/stride',
      /must have stride 2 because the stage has downsample: true/,
    );
    expectProblem(
      tinyWith((s) => {
        s.stages[0]!.nodes[3]!.stride = 2;
      }),
      '/stages/0/nodes/3/stride',
      /only nodes fed by the stage input may have stride 2/,
    );
    expectProblem(
      tinyWith((s) => {
        s.stages[1]!.downsample = false;
      }),
      '/stages/1/nodes/0/stride',
      /must have stride 1 because the stage has downsample: false/,
    );
  });

  it('rejects duplicate and reserved names', () => {
    expectProblem(
      tinyWith((s) => Object.assign(s.stages[1]!, { name: 's1' })),
      '/stages/1/name',
      /duplicate.*\/stages\/0\/name/,
    );
    expectProblem(
      tinyWith((s) => Object.assign(s.stages[1]!, { name: 'head' })),
      '/stages/1/name',
      /reserved name/,
    );
  });

  it('rejects absurd sizes against the memory bounds', () => {
    const huge = tinyWith((s) => {
      s.input.height = 16384;
      s.input.width = 16384;
    });
    expectProblem(huge, '', /absurd size: activations of one image take \d+ bytes/);
    const wide = tinyWith((s) => {
      s.head.channels = 60000;
      s.head.inChannels = 16;
      s.stages[1]!.channels = 16;
    });
    expect(validateSpec(wide).ok).toBe(true);
    const r = validateSpec(wide, { maxParams: 1e5 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]?.message).toMatch(/absurd size: \d+ parameters exceed the bound of 100000/);
  });

  it('refuses a document nested deeper than maxDepth before judging anything (no recursion)', () => {
    // 100,000 levels: formatting the value used to overflow the stack (issue 14).
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const problems = problemsOf(deep);
    expect(problems).toEqual([
      {
        pointer: `/${Array(SCHEMA_LIMITS.maxDepth).fill(0).join('/')}`,
        message: expect.stringMatching(/nested deeper than 64 levels/),
      },
    ]);
    expect(() => formatProblem(problems[0]!)).not.toThrow();
    let nested: unknown = 1;
    for (let i = 0; i < 200; i++) nested = { a: nested };
    const inParams = tinyWith((s) => {
      s.provenance.params = { x: nested };
    });
    expect(problemsOf(inParams)[0]?.pointer).toMatch(/^\/provenance\/params\/x(\/a)+$/);
    // 64 levels of containers are fine (inside free-form provenance params).
    let ok: unknown = 1;
    for (let i = 0; i < SCHEMA_LIMITS.maxDepth - 3; i++) ok = [ok];
    expect(validateSpec(tinyWith((s) => Object.assign(s.provenance.params, { ok }))).ok).toBe(true);
  });

  it('bounds the edges summed over all stages', () => {
    const dense = tinyWith((s) => {
      const stage = s.stages[0]!;
      stage.nodes = Array.from({ length: 3000 }, (_, id) => ({
        id,
        inputs:
          id === 0 ? ['input'] : Array.from({ length: Math.min(id, 1000) }, (_, k) => id - 1 - k).reverse(),
        stride: id === 0 ? 2 : 1,
      }));
      stage.outputs = [2999];
    });
    expectProblem(
      dense,
      '/stages',
      /too many edges: the stages' inputs hold \d+ entries, beyond the bound of 2097152/,
    );
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(
      tinyWith((s) => {
        s.head.inChannels = 8;
        s.stages[0]!.nodes[3]!.inputs = [9];
        (s as Record<string, unknown>)['extra'] = true;
      }),
    );
    expect(problems.map((p) => p.pointer).sort()).toEqual(
      expect.arrayContaining(['/extra', '/head/inChannels', '/stages/0/nodes/3/inputs/0']),
    );
  });
});

describe('parseSpec', () => {
  it('names the source when the text is not JSON', () => {
    expect(() => parseSpec('{ nope', 'net.json')).toThrow(SpecParseError);
    expect(() => parseSpec('{ nope', 'net.json')).toThrow(/net\.json is not JSON/);
  });

  it('throws a SpecValidationError listing the problems with pointers and values', () => {
    const bad = tinyText.replace('"classes": 3,', '"classes": 4,');
    let error: unknown;
    try {
      parseSpec(bad, 'bad.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecValidationError);
    const v = error as SpecValidationError;
    expect(v.problems).toEqual([{ pointer: '/head/classes', message: expect.any(String), value: 3 }]);
    expect(v.message).toMatch(
      /invalid spec in bad\.json: 1 problem\n {2}\/head\/classes: must equal .*\(got 3\)/,
    );
  });

  it('returns the spec when valid', () => {
    expect(parseSpec(tinyText).name).toBe('tiny-handmade');
  });
});
