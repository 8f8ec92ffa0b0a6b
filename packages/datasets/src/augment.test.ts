import { augmentChoice, augmentImage, augmentKey } from './augment';

// A 3×3 image with 2 channels: pixel (y, x, c) = 10·(3y + x) + c + 1 (never 0).
const H = 3;
const W = 3;
const C = 2;
const src = Uint8Array.from({ length: H * W * C }, (_, i) => 10 * Math.floor(i / C) + (i % C) + 1);
const at = (img: Uint8Array, y: number, x: number, c: number) => img[(y * W + x) * C + c];

function run(dy: number, dx: number, flip: boolean, padding = 1): Uint8Array {
  const dst = new Uint8Array(src.length + 4).fill(255);
  augmentImage(src, 0, dst, 2, H, W, C, padding, { dy, dx, flip });
  // Bytes outside the target image are untouched.
  expect([dst[0], dst[1], dst[dst.length - 1]]).toEqual([255, 255, 255]);
  return dst.subarray(2, 2 + src.length);
}

describe('augmentImage', () => {
  it('centre crop without flip is the identity', () => {
    expect(run(1, 1, false)).toEqual(src);
  });

  it('offset (0, 0) shifts the content down-right, filling zeros', () => {
    const out = run(0, 0, false);
    for (let c = 0; c < C; c++) {
      expect([at(out, 0, 0, c), at(out, 0, 2, c), at(out, 2, 0, c)]).toEqual([0, 0, 0]);
      expect(at(out, 1, 1, c)).toBe(at(src, 0, 0, c));
      expect(at(out, 2, 2, c)).toBe(at(src, 1, 1, c));
    }
  });

  it('offset (2, 2) shifts the content up-left', () => {
    const out = run(2, 2, false);
    for (let c = 0; c < C; c++) {
      expect(at(out, 0, 0, c)).toBe(at(src, 1, 1, c));
      expect([at(out, 2, 2, c), at(out, 0, 2, c)]).toEqual([0, 0]);
    }
  });

  it('flip mirrors columns and keeps channel order', () => {
    const out = run(1, 1, true);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < C; c++) expect(at(out, y, x, c)).toBe(at(src, y, W - 1 - x, c));
  });

  it('crop then flip: output column x shows cropped column W-1-x', () => {
    const out = run(1, 0, true); // content shifted right by 1, then mirrored
    for (let c = 0; c < C; c++) {
      expect(at(out, 0, 2, c)).toBe(0);
      expect(at(out, 0, 1, c)).toBe(at(src, 0, 0, c));
      expect(at(out, 0, 0, c)).toBe(at(src, 0, 1, c));
    }
  });
});

describe('augmentChoice', () => {
  it('draws offsets in [0, 2·padding] and flips about half the time, deterministically', () => {
    const key = augmentKey(5, 2);
    expect(augmentKey(5, 2)).toBe(key);
    expect(augmentKey(5, 3)).not.toBe(key);
    const seen = new Set<number>();
    let flips = 0;
    const again = JSON.stringify(Array.from({ length: 2000 }, (_, i) => augmentChoice(key, i, 2, true)));
    const choices = Array.from({ length: 2000 }, (_, i) => augmentChoice(key, i, 2, true));
    expect(JSON.stringify(choices)).toBe(again);
    for (const ch of choices) {
      seen.add(ch.dy * 10 + ch.dx);
      if (ch.flip) flips++;
    }
    expect(seen.size).toBe(25);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(44);
    expect(flips).toBeGreaterThan(800);
    expect(flips).toBeLessThan(1200);
    expect(augmentChoice(key, 7, 0, false)).toEqual({ dy: 0, dx: 0, flip: false });
  });
});
