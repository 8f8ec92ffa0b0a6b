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

const knownKeys = new WeakMap<SchemaNode, string[]>();

function orderedKeys(value: Record<string, unknown>, schema: SchemaNode | undefined): string[] {
  const present = Object.keys(value).filter((k) => value[k] !== undefined);
  if (!schema?.properties) return present.sort();
  let known = knownKeys.get(schema);
  if (!known) {
    known = Object.keys(schema.properties);
    knownKeys.set(schema, known);
  }
  const first = known.filter((k) => value[k] !== undefined);
  if (first.length === present.length) return first;
  const rest = present.filter((k) => !known.includes(k)).sort();
  return [...first, ...rest];
}

/** The JSON pointer of the value being written (built only for error messages). */
const where = (path: (string | number)[]) => (path.length === 0 ? '/' : `/${path.join('/')}`);

function primitive(v: unknown, path: (string | number)[]): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new SpecError(
        `@randwire/spec/serialize: ${where(path)} is ${v}: only finite numbers are allowed`,
      );
    return Object.is(v, -0) ? '0' : String(v);
  }
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return JSON.stringify(v);
  throw new SpecError(
    `@randwire/spec/serialize: ${where(path)} is a ${typeof v}: only JSON values are allowed`,
  );
}

function write(
  value: unknown,
  schemaIn: SchemaNode | undefined,
  indent: string,
  path: (string | number)[],
): string {
  if (isPrimitive(value)) return primitive(value, path);
  const schema = resolve(schemaIn);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      parts.push(write(value[i], schema?.items, inner, path));
      path.pop();
    }
    return value.every(isPrimitive)
      ? `[${parts.join(', ')}]`
      : `[\n${inner}${parts.join(`,\n${inner}`)}\n${indent}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = orderedKeys(obj, schema);
  if (keys.length === 0) return '{}';
  const extra = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const parts: string[] = [];
  let oneLine = true;
  for (const k of keys) {
    const v = obj[k];
    if (oneLine && !isFlat(v)) oneLine = false;
    path.push(k);
    parts.push(`${JSON.stringify(k)}: ${write(v, schema?.properties?.[k] ?? extra, inner, path)}`);
    path.pop();
  }
  return oneLine ? `{ ${parts.join(', ')} }` : `{\n${inner}${parts.join(`,\n${inner}`)}\n${indent}}`;
}

/** The canonical text of a spec (see the file comment for the rules). */
export function serializeSpec(spec: NetworkSpec): string {
  return `${write(spec, SPEC_SCHEMA as unknown as SchemaNode, '', [])}\n`;
}
