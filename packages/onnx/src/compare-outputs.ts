// Comparison of a candidate runtime's outputs with a reference's.
import { VerifyError } from './errors';

export interface CompareOptions {
  /** Values per row (e.g. classes for logits) for top-1 agreement; default: one row. */
  rowLength?: number;
  /** Largest allowed relative difference, maxAbs / max(|reference|). */
  tolerance?: number;
}

export const COMPARE_DEFAULTS = Object.freeze({ tolerance: 1e-4 });

export interface Comparison {
  /** max |ref - cand| over all values. */
  maxAbs: number;
  /** maxAbs / max |ref|: relative to the reference's scale, so near-zero entries do not
   * blow it up (0 when both are all zero). */
  maxRel: number;
  /** Fraction of rows whose argmax agrees (1 when there are no rows). */
  top1Agreement: number;
  rows: number;
  tolerance: number;
  /** maxRel <= tolerance and no NaN. */
  pass: boolean;
}

function argmax(a: ArrayLike<number>, start: number, len: number): number {
  let best = start;
  for (let i = start + 1; i < start + len; i++) if (a[i]! > a[best]!) best = i;
  return best - start;
}

export function compareOutputs(
  reference: ArrayLike<number>,
  candidate: ArrayLike<number>,
  options: CompareOptions = {},
): Comparison {
  const tolerance = options.tolerance ?? COMPARE_DEFAULTS.tolerance;
  if (reference.length !== candidate.length) {
    throw new VerifyError(
      `@randwire/onnx/compare-outputs: reference has ${reference.length} values, candidate ${candidate.length}: must be equal`,
    );
  }
  const rowLength = options.rowLength ?? reference.length;
  if (!Number.isInteger(rowLength) || rowLength < 1 || reference.length % rowLength !== 0) {
    throw new VerifyError(
      `@randwire/onnx/compare-outputs: invalid rowLength (${rowLength}): must be a positive divisor of ${reference.length}`,
    );
  }
  let maxAbs = 0;
  let scale = 0;
  let nan = false;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    const c = candidate[i]!;
    if (Number.isNaN(r) || Number.isNaN(c)) nan = true;
    const d = Math.abs(r - c);
    if (d > maxAbs) maxAbs = d;
    if (Math.abs(r) > scale) scale = Math.abs(r);
  }
  const maxRel = scale > 0 ? maxAbs / scale : maxAbs > 0 ? Infinity : 0;
  const rows = reference.length / rowLength;
  let agree = 0;
  for (let r = 0; r < rows; r++) {
    if (argmax(reference, r * rowLength, rowLength) === argmax(candidate, r * rowLength, rowLength)) agree++;
  }
  return {
    maxAbs,
    maxRel,
    top1Agreement: rows > 0 ? agree / rows : 1,
    rows,
    tolerance,
    pass: !nan && maxRel <= tolerance,
  };
}
