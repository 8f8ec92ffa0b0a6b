// randwire inspect spec.json|-: per-stage table (nodes, edges, input/output nodes, depth,
// params, multiply-adds), with per-layer figures in --json or --layers.
import { costOf, stageStats } from '@randwire/spec';
import type { Command } from '../cli';
import { loadSpecArg, si, table } from './spec-io';

const shape = (s: readonly number[]) => s.join('×');

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Print a spec’s stages, graph statistics, parameters and multiply-adds',
  usage: 'spec.json|- [--layers] [--json]',
  details: [
    'Multiply-adds are the paper’s FLOPs: convolutions, the dense layer and the weighted sums',
    '(k·H·W·C for a k-input node); BN, ReLU, pooling, mean and softmax count 0.',
    'Params include BN moving statistics (as parameterList); "trainable" leaves them out.',
    '',
    'Example: randwire generate --preset small --seed 0 | randwire inspect -',
  ].join('\n'),
  options: {
    layers: { type: 'boolean', description: 'also print the per-layer table' },
    json: {
      type: 'boolean',
      description: 'print { name, stem, stages, head, layers, total: { params, multiplyAdds, ... } } as JSON',
    },
  },
  positionals: [1, 1],
  run(values, positionals, ctx) {
    const path = positionals[0]!;
    const spec = loadSpecArg('inspect', path);
    const cost = costOf(spec);
    const stages = spec.stages.map((stage, i) => {
      const { levels: _l, inDegree: _i, outDegree: _o, ...stats } = stageStats(stage);
      return {
        ...cost.stages[i]!,
        ...stats,
        inChannels: stage.inChannels,
        channels: stage.channels,
        downsample: stage.downsample,
        transform: stage.transform,
        graph: stage.graph,
      };
    });
    if (values['json']) {
      ctx.out(
        JSON.stringify(
          {
            file: path === '-' ? 'stdin' : path,
            name: spec.name,
            input: spec.input,
            classes: spec.classes,
            provenance: spec.provenance,
            stem: cost.stem,
            stages,
            head: cost.head,
            layers: cost.layers,
            total: cost.total,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    const p = spec.provenance;
    ctx.out(
      `${spec.name}: ${shape([spec.input.height, spec.input.width, spec.input.channels])} input, ${spec.classes} classes` +
        ` (preset ${p.preset}, seed ${p.seed ?? 'none'}, ${p.library} ${p.libraryVersion})\n`,
    );
    const rows: string[][] = [];
    for (const g of cost.stem)
      rows.push([g.name, '-', '-', '-', '-', '-', shape(g.outputShape), si(g.params), si(g.multiplyAdds)]);
    for (const s of stages) {
      rows.push([
        `${s.name} (${s.graph.model})`,
        String(s.nodes),
        String(s.edges),
        String(s.inputNodes),
        String(s.outputNodes),
        String(s.depth),
        shape(s.outputShape),
        si(s.params),
        si(s.multiplyAdds),
      ]);
    }
    const h = cost.head;
    rows.push(['head', '-', '-', '-', '-', '-', shape(h.outputShape), si(h.params), si(h.multiplyAdds)]);
    const t = cost.total;
    rows.push(['total', '', '', '', '', '', '', si(t.params), si(t.multiplyAdds)]);
    ctx.out(table(['stage', 'nodes', 'edges', 'in', 'out', 'depth', 'output', 'params', 'mult-adds'], rows));
    ctx.out(
      `\nparams ${t.params} (trainable ${t.trainableParams}); multiply-adds ${t.multiplyAdds} (weighted sums ${t.weightedSumMultiplyAdds});` +
        ` activations ${si(t.activations)} elements = ${(t.activationBytes / 2 ** 20).toFixed(1)} MiB per image (float32)`,
    );
    ctx.out(
      'in/out: nodes fed by the stage input / feeding the stage output; depth: nodes on the longest path',
    );
    if (values['layers']) {
      ctx.out('');
      ctx.out(
        table(
          ['layer', 'op', 'output', 'params', 'mult-adds', 'activations'],
          cost.layers.map((l) => [
            l.name,
            l.op,
            shape(l.shape),
            String(l.params),
            String(l.multiplyAdds),
            String(l.activations),
          ]),
        ),
      );
    }
    return 0;
  },
};
