// Standard augmentation on uint8 NHWC images: random crop after zero padding, and random
// horizontal flip. The random choices of an example depend only on (seed, epoch, example
// index), not on batch size or order, so a run resumed mid-epoch sees the same images.
import { createRng, mix32 } from './rng';

export interface AugmentOptions {
  /** Zero padding on each side before a random crop back to the original size; 0 turns cropping off. */
  padding?: number;
  /** Flip left-right with probability 1/2. */
  flip?: boolean;
}

/** What `augment: true` means: pad 4 then crop (the usual CIFAR recipe) and horizontal flips. */
export const AUGMENT_DEFAULTS: Readonly<Required<AugmentOptions>> = Object.freeze({ padding: 4, flip: true });

/** The random choices for one example: crop offsets in [0, 2·padding] and the flip. */
export interface AugmentChoice {
  dy: number;
  dx: number;
  flip: boolean;
}

/** The key of an epoch's augmentation stream, mixed with each example index. */
export function augmentKey(seed: number, epoch: number): number {
  return Math.floor(createRng('augment', seed, epoch)() * 0x100000000) >>> 0;
}

export function augmentChoice(key: number, index: number, padding: number, flip: boolean): AugmentChoice {
  const h1 = mix32((key ^ index) >>> 0);
  const h2 = mix32(h1);
  const h3 = mix32(h2);
  const span = 2 * padding + 1;
  return { dy: h1 % span, dx: h2 % span, flip: flip && (h3 & 0x80000000) !== 0 };
}

/**
 * Writes the augmented version of one `height×width×channels` image from `src` (at
 * `srcOffset`) into `dst` (at `dstOffset`): pixels shifted by (dy - padding, dx - padding),
 * zeros where the shifted window leaves the image, then mirrored if `flip`.
 */
export function augmentImage(
  src: Uint8Array,
  srcOffset: number,
  dst: Uint8Array,
  dstOffset: number,
  height: number,
  width: number,
  channels: number,
  padding: number,
  choice: AugmentChoice,
): void {
  const row = width * channels;
  const oy = choice.dy - padding;
  const ox = choice.dx - padding;
  dst.fill(0, dstOffset, dstOffset + height * row);
  for (let y = 0; y < height; y++) {
    const sy = y + oy;
    if (sy < 0 || sy >= height) continue;
    const srow = srcOffset + sy * row;
    const drow = dstOffset + y * row;
    if (!choice.flip) {
      const x0 = Math.max(0, -ox);
      const x1 = Math.min(width, width - ox);
      if (x1 > x0)
        dst.set(src.subarray(srow + (x0 + ox) * channels, srow + (x1 + ox) * channels), drow + x0 * channels);
      continue;
    }
    for (let x = 0; x < width; x++) {
      // Output column x shows cropped column width-1-x.
      const sx = width - 1 - x + ox;
      if (sx < 0 || sx >= width) continue;
      const s = srow + sx * channels;
      const d = drow + x * channels;
      for (let c = 0; c < channels; c++) dst[d + c] = src[s + c]!;
    }
  }
}
