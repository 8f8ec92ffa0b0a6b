// A small seeded synthetic image set that a tiny convnet learns in seconds.
//
// Class c is a grating (stripes) with a class-specific orientation, period and waveform:
//   orientation = [0°, 45°, 90°, 135°][c % 4], period = [3, 6, 12][⌊c/4⌋ % 3] pixels,
//   waveform = sine for c < 12, square for 12 <= c < 24.
// Each example draws a random phase (so the stripes move), a brightness offset in ±16 and
// per-pixel noise (approximately Gaussian, std `noise`), all from the seed; every channel holds the same
// pattern with its own noise. Labels cycle 0, 1, ..., classes-1 (balanced classes). The
// classes differ in local texture, which convolutions followed by global pooling detect.
import { DatasetOptionError } from './errors';
import type { ImageDataset } from './image-dataset';
import { checkInteger, checkSeed, createRng } from './rng';

const WHERE = '@randwire/datasets/synthetic';
const ANGLES = [0, 45, 90, 135];
const PERIODS = [3, 6, 12];

export const SYNTHETIC_MAX_CLASSES = ANGLES.length * PERIODS.length * 2;

export interface SyntheticOptions {
  count?: number;
  height?: number;
  width?: number;
  channels?: number;
  /** 1..24 (see the pattern table above). */
  classes?: number;
  seed?: number;
  /** Standard deviation of the per-pixel noise (sum of 3 uniforms, ≈ Gaussian), in pixel units (0..255). */
  noise?: number;
}

export const SYNTHETIC_DEFAULTS: Readonly<Required<SyntheticOptions>> = Object.freeze({
  count: 1000,
  height: 28,
  width: 28,
  channels: 1,
  classes: 10,
  seed: 0,
  noise: 24,
});

/** A short human name of class c's pattern, e.g. `sine 45° /6px`. */
export function syntheticClassName(c: number): string {
  const wave = c < 12 ? 'sine' : 'square';
  return `${wave} ${ANGLES[c % 4]}° /${PERIODS[Math.floor(c / 4) % 3]}px`;
}

export function syntheticDataset(options: SyntheticOptions = {}): ImageDataset {
  const o = { ...SYNTHETIC_DEFAULTS };
  for (const [k, v] of Object.entries(options)) if (v != null) (o as Record<string, unknown>)[k] = v;
  const count = checkInteger(o.count, WHERE, 'count', 0);
  const height = checkInteger(o.height, WHERE, 'height', 1, 4096);
  const width = checkInteger(o.width, WHERE, 'width', 1, 4096);
  const channels = checkInteger(o.channels, WHERE, 'channels', 1, 16);
  const classes = checkInteger(o.classes, WHERE, 'classes', 1, SYNTHETIC_MAX_CLASSES);
  const seed = checkSeed(o.seed, WHERE);
  const noise = checkSeed(o.noise, WHERE, 'noise');
  if (noise < 0) throw new DatasetOptionError(`${WHERE}: invalid noise (${noise}): must be >= 0`);
  const rng = createRng('synthetic', seed);
  // Approximately Gaussian noise with unit variance: the sum of 3 uniforms (Irwin–Hall),
  // centred and scaled. No per-pixel Math calls: they are slow inside jest's vm contexts.
  const gauss = (): number => (rng() + rng() + rng() - 1.5) * 2;
  const pixels = height * width;
  const images = new Uint8Array(count * pixels * channels);
  const labels = new Uint8Array(count);
  const wave = new Float64Array(pixels);
  const sx = new Float64Array(width);
  const cx = new Float64Array(width);
  const sy = new Float64Array(height);
  const cy = new Float64Array(height);
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    labels[i] = c;
    const angle = (ANGLES[c % 4]! * Math.PI) / 180;
    const k = (2 * Math.PI) / PERIODS[Math.floor(c / 4) % 3]!;
    const kx = k * Math.cos(angle);
    const ky = k * Math.sin(angle);
    const square = c >= 12;
    const phase = 2 * Math.PI * rng();
    const base = 128 + 32 * (rng() - 0.5);
    // sin(kx·x + ky·y + phase) = sin(a)cos(b) + cos(a)sin(b), a = kx·x + phase, b = ky·y.
    for (let x = 0; x < width; x++) {
      sx[x] = Math.sin(kx * x + phase);
      cx[x] = Math.cos(kx * x + phase);
    }
    for (let y = 0; y < height; y++) {
      sy[y] = Math.sin(ky * y);
      cy[y] = Math.cos(ky * y);
    }
    for (let y = 0, p = 0; y < height; y++) {
      for (let x = 0; x < width; x++, p++) {
        const s = sx[x]! * cy[y]! + cx[x]! * sy[y]!;
        wave[p] = base + 80 * (square ? (s >= 0 ? 1 : -1) : s);
      }
    }
    let d = i * pixels * channels;
    for (let p = 0; p < pixels; p++) {
      for (let ch = 0; ch < channels; ch++) {
        const v = (wave[p]! + noise * gauss() + 0.5) | 0;
        images[d++] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return {
    images,
    labels,
    count,
    height,
    width,
    channels,
    classes,
    classNames: Array.from({ length: classes }, (_, c) => syntheticClassName(c)),
    source: `synthetic:seed=${seed},count=${count},${height}x${width}x${channels},classes=${classes},noise=${noise}`,
  };
}
