import { depthwiseGradientTests, startWasmKernels } from './test-utils/conv-gradients';

beforeAll(startWasmKernels);

describe('DepthwiseConv2dNativeBackpropFilter on wasm', () => {
  depthwiseGradientTests('filter', 2000, 8, [3, 8, 8, 4]);
});
