module.exports = {
  ...require('../../jest.preset.js'),
  // onnxruntime-node returns typed arrays from the outer realm: see jest.environment.js.
  testEnvironment: require.resolve('../../jest.environment.js'),
};
