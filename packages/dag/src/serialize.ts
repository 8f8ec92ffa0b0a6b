// Serializers for graphology graphs (e.g. toDirectedGraph's output): graphology JSON,
// Graphviz DOT and GraphML. Output follows the graph's node and edge order, so a
// deterministic graph gives byte-identical text.
import type { AbstractGraph, Attributes, SerializedGraph } from 'graphology-types';

export type GraphFormat = 'json' | 'dot' | 'graphml';

export const GRAPH_FORMATS: readonly GraphFormat[] = Object.freeze(['json', 'dot', 'graphml'] as const);

/** graphology's own serialization (`graph.export()`), as a JSON-safe object. */
export function toGraphologyJson(graph: AbstractGraph): SerializedGraph {
  return graph.export();
}

export interface DotOptions {
  /** The graph's name in `digraph "name" { ... }`. */
  name?: string;
}

export const DOT_DEFAULTS: Readonly<Required<DotOptions>> = Object.freeze({ name: 'randwire' });

function dotId(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function dotAttributes(attributes: Attributes): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    const text =
      typeof value === 'number' || typeof value === 'boolean' ? String(value) : dotId(String(value));
    parts.push(`${dotId(key)}=${text}`);
  }
  return parts.length > 0 ? ` [${parts.join(', ')}]` : '';
}

/** Graphviz DOT: `digraph` for directed graphs, `graph` otherwise; attributes as DOT attributes. */
export function toDot(graph: AbstractGraph, options: DotOptions = {}): string {
  const { name } = { ...DOT_DEFAULTS, ...options };
  const directed = graph.type === 'directed';
  const lines = [`${directed ? 'digraph' : 'graph'} ${dotId(name)} {`];
  const graphAttributes = dotAttributes(graph.getAttributes());
  if (graphAttributes) lines.push(`  graph${graphAttributes};`);
  graph.forEachNode((key, attributes) => {
    lines.push(`  ${dotId(key)}${dotAttributes(attributes)};`);
  });
  graph.forEachEdge((_key, attributes, source, target, _s, _t, undirected) => {
    lines.push(
      `  ${dotId(source)} ${undirected && directed ? '--' : directed ? '->' : '--'} ${dotId(target)}${dotAttributes(attributes)};`,
    );
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

type GraphmlType = 'boolean' | 'int' | 'long' | 'double' | 'string';

function graphmlType(values: unknown[]): GraphmlType {
  if (values.every((v) => typeof v === 'boolean')) return 'boolean';
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    return values.every((v) => Math.abs(v as number) < 2 ** 31) ? 'int' : 'long';
  }
  if (values.every((v) => typeof v === 'number')) return 'double';
  return 'string';
}

/** GraphML 1.0 with one `<key>` per attribute name (typed boolean/int/long/double/string;
 * objects are written as JSON strings). */
export function toGraphml(graph: AbstractGraph): string {
  const scopes: Array<['graph' | 'node' | 'edge', Attributes[]]> = [
    ['graph', [graph.getAttributes()]],
    ['node', graph.mapNodes((_k, a) => a)],
    ['edge', graph.mapEdges((_k, a) => a)],
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  const keyIds = new Map<string, string>();
  for (const [scope, list] of scopes) {
    const names: string[] = [];
    for (const attributes of list) {
      for (const [name, value] of Object.entries(attributes)) {
        if (value !== undefined && value !== null && !names.includes(name)) names.push(name);
      }
    }
    names.forEach((name, i) => {
      const id = `${scope[0]}${i}`;
      keyIds.set(`${scope}:${name}`, id);
      const values = list.map((a) => a[name]).filter((v) => v !== undefined && v !== null);
      lines.push(
        `  <key id="${id}" for="${scope}" attr.name="${xml(name)}" attr.type="${graphmlType(values)}"/>`,
      );
    });
  }
  const data = (scope: string, attributes: Attributes, indent: string) => {
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null) continue;
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
      lines.push(`${indent}<data key="${keyIds.get(`${scope}:${name}`)}">${xml(text)}</data>`);
    }
  };
  const edgedefault = graph.type === 'undirected' ? 'undirected' : 'directed';
  lines.push(`  <graph id="G" edgedefault="${edgedefault}">`);
  data('graph', graph.getAttributes(), '    ');
  graph.forEachNode((key, attributes) => {
    lines.push(`    <node id="${xml(key)}">`);
    data('node', attributes, '      ');
    lines.push('    </node>');
  });
  graph.forEachEdge((key, attributes, source, target, _s, _t, undirected) => {
    const flag = graph.type === 'mixed' ? ` directed="${!undirected}"` : '';
    lines.push(`    <edge id="${xml(key)}" source="${xml(source)}" target="${xml(target)}"${flag}>`);
    data('edge', attributes, '      ');
    lines.push('    </edge>');
  });
  lines.push('  </graph>', '</graphml>');
  return `${lines.join('\n')}\n`;
}

/** Serializes a graph in one of GRAPH_FORMATS (json: graphology's JSON, 2-space indented). */
export function serializeGraph(graph: AbstractGraph, format: GraphFormat, options: DotOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(toGraphologyJson(graph), null, 2)}\n`;
    case 'dot':
      return toDot(graph, options);
    case 'graphml':
      return toGraphml(graph);
  }
}
