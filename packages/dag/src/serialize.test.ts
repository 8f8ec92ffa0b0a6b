import { createRng, generateGraph } from '@randwire/graphs';
import { DirectedGraph } from 'graphology';
import { toDirectedGraph } from './directed';
import { dagFromPredecessors, toDag } from './random-dag';
import { GRAPH_FORMATS, serializeGraph, toDot, toGraphml, toGraphologyJson } from './serialize';

const tiny = () => toDirectedGraph(dagFromPredecessors([[], [0]]), { model: 'custom' });

describe('serializers', () => {
  it('writes Graphviz DOT', () => {
    expect(toDot(tiny())).toBe(
      [
        'digraph "randwire" {',
        '  graph ["model"="custom"];',
        '  "input" ["role"="input"];',
        '  "0" ["role"="node", "index"=0];',
        '  "1" ["role"="node", "index"=1];',
        '  "output" ["role"="output"];',
        '  "input" -> "0";',
        '  "0" -> "1";',
        '  "1" -> "output";',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes GraphML with typed keys', () => {
    const text = toGraphml(tiny());
    expect(text).toContain('<key id="g0" for="graph" attr.name="model" attr.type="string"/>');
    expect(text).toContain('<key id="n0" for="node" attr.name="role" attr.type="string"/>');
    expect(text).toContain('<key id="n1" for="node" attr.name="index" attr.type="int"/>');
    expect(text).toContain('<graph id="G" edgedefault="directed">');
    expect(text).toContain('<edge id="0-&gt;1" source="0" target="1">');
    expect(text).toContain(
      '<node id="1">\n      <data key="n0">node</data>\n      <data key="n1">1</data>\n    </node>',
    );
    expect(text.match(/<edge /g)).toHaveLength(3);
  });

  it('writes graphology JSON that imports back to the same graph', () => {
    const graph = tiny();
    const json = toGraphologyJson(graph);
    const back = DirectedGraph.from(json);
    expect(back.edges()).toEqual(graph.edges());
    expect(JSON.parse(serializeGraph(graph, 'json'))).toEqual(JSON.parse(JSON.stringify(json)));
  });

  it('is byte-identical per seed and differs across seeds, in every format', () => {
    const text = (seed: number, format: (typeof GRAPH_FORMATS)[number]) =>
      serializeGraph(
        toDirectedGraph(toDag(generateGraph('ws', 32, { k: 4, p: 0.75 }, createRng(seed)))),
        format,
      );
    for (const format of GRAPH_FORMATS) {
      expect(text(0, format)).toBe(text(0, format));
      expect(text(0, format)).not.toBe(text(1, format));
    }
  });

  it('escapes quotes and markup', () => {
    const graph = new DirectedGraph();
    graph.addNode('a"b', { label: '<x & y>' });
    expect(toDot(graph)).toContain('"a\\"b" ["label"="<x & y>"];');
    expect(toGraphml(graph)).toContain('<node id="a&quot;b">');
    expect(toGraphml(graph)).toContain('&lt;x &amp; y&gt;');
  });
});
