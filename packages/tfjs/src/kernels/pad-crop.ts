// Spatial pad-or-crop of an NHWC tensor in one slice + one pad at most.

import * as tf from '@tensorflow/tfjs';

/**
 * Returns `y` of spatial size `height` × `width` with `y[:, r, c, :] = x[:, r - top, c - left, :]`
 * where that index exists and 0 elsewhere. `top`/`left` may be negative (crop at the start);
 * rows or columns beyond `height`/`width` are cropped, missing ones are zero.
 */
export function padCrop(
  x: tf.Tensor4D,
  top: number,
  height: number,
  left: number,
  width: number,
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const rows = span(h, top, height);
  const cols = span(w, left, width);
  let y = x;
  if (rows.start > 0 || rows.count < h || cols.start > 0 || cols.count < w) {
    y = tf.slice(y, [0, rows.start, cols.start, 0], [n, rows.count, cols.count, c]);
  }
  if (rows.before > 0 || rows.after > 0 || cols.before > 0 || cols.after > 0) {
    y = tf.pad(y, [
      [0, 0],
      [rows.before, rows.after],
      [cols.before, cols.after],
      [0, 0],
    ]);
  }
  return y;
}

interface Span {
  start: number;
  count: number;
  before: number;
  after: number;
}

function span(size: number, offset: number, target: number): Span {
  const start = Math.max(0, -offset);
  const before = Math.min(Math.max(0, offset), target);
  const count = Math.max(0, Math.min(size - start, target - before));
  return { start, count, before, after: target - before - count };
}
