import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stageStats } from './stage-stats';
import type { NetworkSpec } from './types';

const tiny = JSON.parse(readFileSync(join(__dirname, '../fixtures/tiny.json'), 'utf8')) as NetworkSpec;

describe('stageStats', () => {
  it('counts nodes, edges, input/output nodes and depth of the tiny fixture', () => {
    // s1: 0,1,4 <- input; 2 <- 0,1; 3 <- 2; outputs 3, 4. Longest path: input→0→2→3→output.
    expect(stageStats(tiny.stages[0]!)).toMatchObject({
      nodes: 5,
      edges: 3,
      inputNodes: 3,
      outputNodes: 2,
      depth: 3,
      aggregatingNodes: 1,
      levels: [1, 1, 2, 3, 1],
      inDegree: [1, 1, 2, 1, 1],
      outDegree: [1, 1, 1, 1, 1],
    });
    // s2: 0 <- input; 1 <- 0; 2 <- 0,1; 3 <- input; outputs 2, 3.
    expect(stageStats(tiny.stages[1]!)).toMatchObject({
      edges: 3,
      inputNodes: 2,
      depth: 3,
      outDegree: [2, 1, 1, 1],
    });
  });
});
