import { depthwiseGradientTests, startWasmKernels } from './test-utils/conv-gradients';

beforeAll(startWasmKernels);

describe('DepthwiseConv2dNativeBackpropInput on wasm', () => {
  depthwiseGradientTests('x', 1000, 7, [2, 9, 9, 4]);
});
