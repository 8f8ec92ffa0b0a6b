// Summary statistics of a study: mean, sample standard deviation (n - 1, as the paper's
// "mean ± std over 5 networks"), n, min and max; and grouping results by everything but the
// seed.
import { stableStringify } from '@randwire/spec';
import type { PointResult } from './results';

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (divides by n - 1); null for fewer than two values. */
  std: number | null;
  min: number;
  max: number;
}

/** Summary of a non-empty list of finite numbers. */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) throw new RangeError('@randwire/studies/statistics: summarize needs at least one value');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return {
    n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : null,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** A result's fields other than the seed: θ as given, the training options (without their
 * seed), the data choice and the engine choice, in one flat record. */
export function groupFields(r: PointResult): Record<string, unknown> {
  const { seed: _seed, ...train } = r.recipe.train;
  return {
    ...r.theta,
    ...train,
    data: r.recipe.data.data,
    limit: r.recipe.data.limit,
    testLimit: r.recipe.data.testLimit,
    engine: r.recipe.engine,
  };
}

export interface ResultGroup {
  /** Key-sorted JSON of the fields (stable). */
  key: string;
  fields: Record<string, unknown>;
  results: PointResult[];
}

/** Groups results by every field but the seed, in order of first appearance; within a group,
 * results are ordered by seed. */
export function groupResults(results: readonly PointResult[]): ResultGroup[] {
  const groups = new Map<string, ResultGroup>();
  for (const r of results) {
    const fields = groupFields(r);
    const key = stableStringify(fields);
    let g = groups.get(key);
    if (!g) {
      g = { key, fields, results: [] };
      groups.set(key, g);
    }
    g.results.push(r);
  }
  for (const g of groups.values()) g.results.sort((a, b) => a.seed - b.seed);
  return [...groups.values()];
}

/** Pearson's correlation coefficient of paired values (null when either side is constant or
 * there are fewer than two pairs). */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  const mx = xs.slice(0, n).reduce((a, b) => a + b, 0) / n;
  const my = ys.slice(0, n).reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}
