module.exports = {
  ...require('../../jest.preset.js'),
  // onnxruntime-node (the onnxruntime training engine) checks typed arrays against the outer
  // realm: see jest.environment.js.
  testEnvironment: require.resolve('../../jest.environment.js'),
};
