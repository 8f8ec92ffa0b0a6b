// The library's name and version, read once from package.json (recorded in provenance).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

export const LIBRARY_NAME: string = pkg.name;
export const LIBRARY_VERSION: string = pkg.version;
