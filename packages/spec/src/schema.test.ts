import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPEC_SCHEMA } from './schema';

const shipped = join(__dirname, '../schema/randwire-spec.schema.json');

describe('the shipped JSON Schema file', () => {
  it('equals the schema the validator uses (UPDATE_GOLDEN=1 rewrites it)', () => {
    // Compared as JSON values: the file's layout is left to the formatter (biome).
    if (process.env['UPDATE_GOLDEN'] === '1')
      writeFileSync(shipped, `${JSON.stringify(SPEC_SCHEMA, null, 2)}\n`);
    expect(JSON.parse(readFileSync(shipped, 'utf8'))).toEqual(SPEC_SCHEMA);
  });
});
