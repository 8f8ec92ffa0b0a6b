// Lets a plain `node` run the TypeScript sources, as jest does (jest.preset.js): `.ts` files
// are compiled with @swc/core when required, and `@randwire/<pkg>` resolves to
// packages/<pkg>/src/index.ts. For tests that need a real node process (e.g. to inspect
// require.cache). Use: node -r path/to/source-require-hook.js ...

const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const PACKAGES = path.join(__dirname, '../../../../packages');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@randwire\/([a-z0-9-]+)$/.exec(request);
  if (m) return path.join(PACKAGES, m[1], 'src', 'index.ts');
  return resolveFilename.call(this, request, ...rest);
};

Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
