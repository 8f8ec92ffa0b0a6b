// Shared jest configuration: TypeScript tests run against source through @swc/jest (CommonJS,
// no build step, no experimental flags). `@randwire/<pkg>` resolves to packages/<pkg>/src.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^@randwire/([a-z0-9-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
    '^@randwire/([a-z0-9-]+)/testing$': path.join(__dirname, 'packages/$1/src/testing.ts'),
  },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
};
