// Canonical serialization: the same spec always gives the same bytes, on every machine and
// Node version. Rules:
// - keys in the order of `types.ts` (the schema's property order); free-form records
//   (graph params, provenance θ) in ascending code-unit order of their keys;
// - numbers as ECMAScript's shortest round-trip form (`String(x)`, exact by the language
//   spec), with -0 written as 0; non-finite numbers are refused;
// - 2-space indentation; an object or array whose members are all "flat" (primitives or
//   arrays/objects of primitives) goes on one line as `{ "a": 1, "b": [1, 2] }`, everything
//   else one member per line; a trailing newline.
// parseSpec(serializeSpec(spec)) gives an equal spec and serializing it again the same bytes.
import { SpecError } from './errors';
import { SPEC_SCHEMA } from './schema';
import type { NetworkSpec } from './types';

type SchemaNode = {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
};

const definitions = SPEC_SCHEMA.definitions as unknown as Record<string, SchemaNode>;

function resolve(schema: SchemaNode | undefined): SchemaNode | undefined {
  if (schema?.$ref) return definitions[schema.$ref.replace('#/definitions/', '')];
  return schema;
}

const isPrimitive = (v: unknown) => v === null || typeof v !== 'object';
const isFlat = (v: unknown): boolean =>
  isPrimitive(v) || (Array.isArray(v) ? v.every(isPrimitive) : Object.values(v as object).every(isPrimitive));

function orderedKeys(value: Record<string, unknown>, schema: SchemaNode | undefined): string[] {
  const present = Object.keys(value).filter((k) => value[k] !== undefined);
  const known = schema?.properties ? Object.keys(schema.properties) : [];
  const first = known.filter((k) => present.includes(k));
  const rest = present.filter((k) => !known.includes(k)).sort();
  return [...first, ...rest];
}

function primitive(v: unknown, path: string): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new SpecError(
        `@randwire/spec/serialize: ${path || '/'} is ${v}: only finite numbers are allowed`,
      );
    return Object.is(v, -0) ? '0' : String(v);
  }
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return JSON.stringify(v);
  throw new SpecError(
    `@randwire/spec/serialize: ${path || '/'} is a ${typeof v}: only JSON values are allowed`,
  );
}

function write(value: unknown, schemaIn: SchemaNode | undefined, indent: string, path: string): string {
  if (isPrimitive(value)) return primitive(value, path);
  const schema = resolve(schemaIn);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const parts = value.map((v, i) => write(v, schema?.items, inner, `${path}/${i}`));
    if (parts.length === 0) return '[]';
    return value.every(isPrimitive)
      ? `[${parts.join(', ')}]`
      : `[\n${parts.map((p) => inner + p).join(',\n')}\n${indent}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = orderedKeys(obj, schema);
  if (keys.length === 0) return '{}';
  const child = (k: string) =>
    schema?.properties?.[k] ??
    (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
  const parts = keys.map((k) => `${JSON.stringify(k)}: ${write(obj[k], child(k), inner, `${path}/${k}`)}`);
  const oneLine = keys.every((k) => isFlat(obj[k]));
  return oneLine ? `{ ${parts.join(', ')} }` : `{\n${parts.map((p) => inner + p).join(',\n')}\n${indent}}`;
}

/** The canonical text of a spec (see the file comment for the rules). */
export function serializeSpec(spec: NetworkSpec): string {
  return `${write(spec, SPEC_SCHEMA as unknown as SchemaNode, '', '')}\n`;
}
