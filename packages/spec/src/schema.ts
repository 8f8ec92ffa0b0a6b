// The JSON Schema (draft-07) of the spec document: structure, types, enums and plain ranges.
// Semantic rules that a schema cannot express (edges, cycles, channel chains, sizes) are
// checked by hand in `validate.ts`. Property order here is the canonical key order used by
// `serializeSpec` (the order of `types.ts`). A copy ships as `schema/randwire-spec.schema.json`
// (a test keeps them equal).
import { NODE_TRANSFORMS, SPEC_FORMAT, SPEC_VERSION } from './types';

/** Largest image side, channel count, class count and node count the schema accepts; the
 * last two are checked by the validator (a JSON Schema cannot express them): `maxEdges`, the
 * entries of every node's `inputs` summed over all stages, and `maxDepth`, the nesting depth of
 * the document (checked first, so nothing recursive ever sees a deeper one; a spec nests 7
 * levels). The validator also bounds total parameters and activations (`ValidateOptions`). */
export const SCHEMA_LIMITS = Object.freeze({
  maxSide: 16384,
  maxChannels: 65536,
  maxClasses: 1_000_000,
  maxNodes: 4096,
  maxStemUnits: 64,
  maxStages: 64,
  maxEdges: 2 ** 21,
  maxDepth: 64,
});

const name = { type: 'string', pattern: '^[a-z][a-z0-9]*$', maxLength: 32 };
const count = (max: number) => ({ type: 'integer', minimum: 1, maximum: max });

export const SPEC_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://randwire.dev/schema/randwire-spec-1.schema.json',
  title: 'RandWire network spec',
  description:
    'One randomly wired neural network (Xie et al., ICCV 2019), fully described: stem, random stages with their DAGs, head, provenance.',
  type: 'object',
  required: [
    'format',
    'version',
    'name',
    'input',
    'classes',
    'batchNorm',
    'stem',
    'stages',
    'head',
    'provenance',
  ],
  additionalProperties: false,
  properties: {
    format: { const: SPEC_FORMAT },
    version: { const: SPEC_VERSION },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    input: { $ref: '#/definitions/input' },
    classes: count(SCHEMA_LIMITS.maxClasses),
    batchNorm: { $ref: '#/definitions/batchNorm' },
    stem: { type: 'array', maxItems: SCHEMA_LIMITS.maxStemUnits, items: { $ref: '#/definitions/convUnit' } },
    stages: { type: 'array', maxItems: SCHEMA_LIMITS.maxStages, items: { $ref: '#/definitions/stage' } },
    head: { $ref: '#/definitions/head' },
    provenance: { $ref: '#/definitions/provenance' },
  },
  definitions: {
    input: {
      type: 'object',
      required: ['height', 'width', 'channels', 'mean', 'std'],
      additionalProperties: false,
      properties: {
        height: count(SCHEMA_LIMITS.maxSide),
        width: count(SCHEMA_LIMITS.maxSide),
        channels: count(SCHEMA_LIMITS.maxChannels),
        mean: { type: 'array', minItems: 1, items: { type: 'number' } },
        std: { type: 'array', minItems: 1, items: { type: 'number', exclusiveMinimum: 0 } },
      },
    },
    batchNorm: {
      type: 'object',
      required: ['epsilon', 'momentum'],
      additionalProperties: false,
      properties: {
        epsilon: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        momentum: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
    convUnit: {
      type: 'object',
      required: ['name', 'preRelu', 'kernel', 'stride', 'inChannels', 'channels'],
      additionalProperties: false,
      properties: {
        name,
        preRelu: { type: 'boolean' },
        kernel: { enum: [1, 3, 5, 7] },
        stride: { enum: [1, 2] },
        inChannels: count(SCHEMA_LIMITS.maxChannels),
        channels: count(SCHEMA_LIMITS.maxChannels),
      },
    },
    node: {
      type: 'object',
      required: ['id', 'inputs', 'stride'],
      additionalProperties: false,
      properties: {
        id: { type: 'integer', minimum: 0 },
        inputs: {
          type: 'array',
          items: { anyOf: [{ type: 'integer', minimum: 0 }, { const: 'input' }] },
        },
        stride: { enum: [1, 2] },
      },
    },
    graph: {
      type: 'object',
      required: ['model', 'params', 'seed'],
      additionalProperties: false,
      properties: {
        model: { enum: ['ws', 'ba', 'er', 'custom'] },
        params: { type: 'object', additionalProperties: { type: 'number' } },
        seed: { type: ['integer', 'null'] },
      },
    },
    stage: {
      type: 'object',
      required: ['name', 'inChannels', 'channels', 'downsample', 'transform', 'graph', 'nodes', 'outputs'],
      additionalProperties: false,
      properties: {
        name,
        inChannels: count(SCHEMA_LIMITS.maxChannels),
        channels: count(SCHEMA_LIMITS.maxChannels),
        downsample: { type: 'boolean' },
        transform: { enum: [...NODE_TRANSFORMS] },
        graph: { $ref: '#/definitions/graph' },
        nodes: {
          type: 'array',
          minItems: 1,
          maxItems: SCHEMA_LIMITS.maxNodes,
          items: { $ref: '#/definitions/node' },
        },
        outputs: { type: 'array', items: { type: 'integer', minimum: 0 } },
      },
    },
    head: {
      type: 'object',
      required: ['inChannels', 'channels', 'classes', 'dropout'],
      additionalProperties: false,
      properties: {
        inChannels: count(SCHEMA_LIMITS.maxChannels),
        channels: count(SCHEMA_LIMITS.maxChannels),
        classes: count(SCHEMA_LIMITS.maxClasses),
        dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
      },
    },
    provenance: {
      type: 'object',
      required: ['library', 'libraryVersion', 'preset', 'seed', 'params'],
      additionalProperties: false,
      properties: {
        library: { type: 'string' },
        libraryVersion: { type: 'string' },
        preset: { type: 'string' },
        seed: { type: ['integer', 'null'] },
        params: { type: 'object' },
      },
    },
  },
} as const;
