// Test cases shared by the depthwise gradient loop tests (depthwise-filter-loop.test.ts,
// depthwise-input-loop.test.ts): each is checked against an independent formula.

import type { ConvPad, Shape4 } from './conv-gradients';

export type DepthwiseLoopCase = [Shape4, number, number, number, [number, number], ConvPad];

// [x shape, kernel h, kernel w, multiplier, strides, pad]
export const depthwiseLoopCases: DepthwiseLoopCase[] = [
  [[2, 7, 8, 5], 3, 3, 1, [1, 1], 'same'],
  [[1, 8, 7, 9], 3, 3, 1, [2, 2], 'same'],
  [[3, 9, 9, 4], 5, 3, 2, [2, 1], 'valid'],
  [[2, 6, 5, 3], 3, 5, 3, [3, 2], 'same'],
  [
    [1, 5, 6, 6],
    3,
    3,
    1,
    [1, 2],
    [
      [0, 0],
      [2, 1],
      [0, 3],
      [0, 0],
    ],
  ],
  [[2, 4, 4, 2], 1, 1, 2, [1, 1], 'valid'],
  // padding so large that some taps see no input row or column at all
  [
    [1, 3, 3, 4],
    3,
    3,
    1,
    [1, 1],
    [
      [0, 0],
      [4, 0],
      [0, 4],
      [0, 0],
    ],
  ],
];
