// Jest's node environment runs tests in a separate V8 realm, so typed arrays created by
// native addons (onnxruntime-node's outputs) fail `instanceof Float32Array` checks made by
// code loaded in the test realm ("A float32 tensor's data must be type of function
// Float32Array()", microsoft/onnxruntime#16622). Share the outer realm's typed-array
// constructors with the tests; outside jest nothing changes.
const { TestEnvironment } = require(
  require.resolve('jest-environment-node', { paths: [require.resolve('jest')] }),
);

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class SharedTypedArrayEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) {
      if (globalThis[name] !== undefined) this.global[name] = globalThis[name];
    }
  }
}

module.exports = SharedTypedArrayEnvironment;
