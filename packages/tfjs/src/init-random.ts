// A fast, portable, seeded normal generator for weight initialization. tfjs's own seeded
// randomNormal took ~2 µs per value under jest on this (shared, noisy) machine: building the
// 4.4 M-parameter cifar-small preset took ~10 s; with this generator ~0.6 s. sfc32 (Chris Doty-Humphrey's small fast counter generator,
// PractRand-clean) seeded through splitmix32, then Box–Muller, in float64 rounded to float32.
// Math.log/sqrt/cos/sin are V8's fdlibm ports: the same bits on every Node platform.
// Globals are read once into module constants: inside a vm context (jest's test environment)
// every global lookup goes through an interceptor, which made this loop ~50x slower.

const { imul, log, sqrt, cos, sin, PI } = Math;
const F32 = Float32Array;

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = imul(z ^ (z >>> 16), 0x85ebca6b);
    z = imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** sfc32 seeded by a 32-bit seed: returns uint32 draws. */
export function sfc32(seed: number): () => number {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init() | 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next(); // discard the warm-up draws
  return next;
}

/** `count` draws of N(0, stddev²), as float32, from the 32-bit `seed`. */
export function normalValues(count: number, stddev: number, seed: number): Float32Array {
  const next = sfc32(seed);
  const out = new F32(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = (next() + 1) / 4294967296; // (0, 1]
    const u2 = next() / 4294967296; // [0, 1)
    const r = stddev * sqrt(-2 * log(u1));
    out[i] = r * cos(2 * PI * u2);
    if (i + 1 < count) out[i + 1] = r * sin(2 * PI * u2);
  }
  return out;
}

/** `count` draws of U(-limit, limit), as float32, from the 32-bit `seed`. */
export function uniformValues(count: number, limit: number, seed: number): Float32Array {
  const next = sfc32(seed);
  const out = new F32(count);
  const scale = (2 * limit) / 4294967296;
  for (let i = 0; i < count; i++) out[i] = next() * scale - limit;
  return out;
}
